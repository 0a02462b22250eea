// The MLP view: data and features on the left, the network in the middle, the output
// surface and the loss curves on the right; below, a neuron's formula with its numbers
// and backpropagation step by step for one sample. Every number comes from the server.

import {el, equationList, fmt, notice, playButtons, setMath, settingsPanel} from "./dom.js";
import {CLASS_COLOURS, classShade, decode, diverging, dots, heatmap, lineChart, toPixels}
  from "./draw.js";
import {networkDiagram} from "./mlp_network.js";
import {backpropStepper} from "./mlp_backprop.js";

let ctx, description, parts, config, scene, diagram, stepper;
let curve = [];                    // the losses of every epoch so far
let sample = 0, inspected = null;  // the chosen sample; the neuron whose formula is shown
let lastFrame = null;

export function build(root, context, view) {
  ctx = context;
  description = view;
  const buttons = playButtons(ctx, {step: "One epoch"});
  parts = {
    buttons,
    epoch: el("span", {class: "epoch", id: "epoch", text: "Epoch 0"}),
    hyper: el("div", {class: "hyper"}),
    data: el("section", {class: "panel data", "aria-label": "Data"}),
    network: el("section", {class: "panel network", "aria-label": "Network"}),
    output: el("section", {class: "panel output", "aria-label": "Output"}),
    neuron: el("section", {class: "panel neuron", id: "neuron"}),
    backprop: el("section", {class: "panel backprop", id: "backprop"}),
    equations: el("section", {class: "panel equations-panel"}),
  };
  stepper = backpropStepper(parts.backprop, {
    start: () => ctx.action("backprop", {sample}),
    annotate: (column, values) => diagram?.annotate(column, values),
  });
  root.append(
    el("div", {class: "toolbar"}, buttons.node, parts.epoch, parts.hyper),
    el("div", {class: "mlp-grid"}, parts.data, parts.network, parts.output),
    el("div", {class: "details"}, parts.neuron, parts.backprop, parts.equations));
}

const change = (name, value) => ctx.change(name, value);

function uploadControl() {
  const input = el("input", {type: "file", accept: ".csv,text/csv", id: "upload"});
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    if (file.size > ctx.maxUpload) {
      notice(`The file ${file.name} has ${file.size.toLocaleString()} bytes; the most is ` +
             `${ctx.maxUpload.toLocaleString()}.`, "error");
      return;
    }
    ctx.send({type: "upload", filename: file.name, content: await file.text()});
    input.value = "";
  });
  return el("div", {class: "control upload"},
    el("label", {for: "upload", text: "Your data: a CSV file with a header, then x₁, x₂, label"}),
    input);
}

function layerButtons() {
  const hidden = config.hidden;
  const set = (sizes) => change("hidden", sizes);
  return el("div", {class: "layer-buttons"},
    el("button", {title: "Add a hidden layer", disabled: hidden.length >= 6,
                  onclick: () => set([...hidden, hidden.at(-1) ?? 4])}, "+"),
    el("button", {title: "Remove the last hidden layer", disabled: hidden.length === 0,
                  onclick: () => set(hidden.slice(0, -1))}, "−"),
    el("span", {text: `${hidden.length} hidden layer${hidden.length === 1 ? "" : "s"}`}));
}

function neuronButtons(k) {
  const hidden = config.hidden;
  const set = (n) => change("hidden", hidden.map((size, i) => (i === k ? n : size)));
  return el("div", {class: "neuron-buttons", style: `left:${diagram.columnX(k + 1) - 30}px`},
    el("button", {title: "Add a neuron", disabled: hidden[k] >= 8, onclick: () => set(hidden[k] + 1)}, "+"),
    el("button", {title: "Remove a neuron", disabled: hidden[k] <= 1, onclick: () => set(hidden[k] - 1)}, "−"),
    el("div", {class: "count", text: `${hidden[k]} neuron${hidden[k] === 1 ? "" : "s"}`}));
}

export function setup(message) {
  config = message.setup;
  scene = message.scene;
  curve = scene.history.slice();
  const settings = description.settings;
  parts.hyper.replaceChildren(...settingsPanel(settings, config, change,
    ["lr", "activation", "l2", "optimizer", "batch"]));
  const dataControls = config.data === "upload" ? ["data", "train"] : ["data", "samples", "noise", "train"];
  parts.data.replaceChildren(el("h2", {text: "Data"}),
    ...settingsPanel(settings, config, change, dataControls), uploadControl(),
    ...settingsPanel(settings, config, change, ["features", "seed"]));
  const outputs = scene.task === "classification" ? scene.classes.map((c) => `class ${c}`) : ["value"];
  diagram = networkDiagram(scene.layers, {
    featureLabels: scene.features,
    outputLabels: outputs,
    inspect: (layer, neuron) => {
      inspected = {layer, neuron};
      ctx.action("inspect", {layer, neuron, sample});
    },
    setWeight: (layer, source, neuron, value) => ctx.action("set_weight", {layer, source, neuron, value}),
    setBias: (layer, neuron, value) => ctx.action("set_bias", {layer, neuron, value}),
  });
  diagram.features(scene.feature_maps, scene.grid);
  parts.network.replaceChildren(el("h2", {text: "Network"}), layerButtons(),
    el("div", {class: "diagram-host"}, diagram.node, ...config.hidden.map((_, k) => neuronButtons(k))));
  parts.output.replaceChildren(...outputPanel());
  parts.equations.replaceChildren(equationList(message.equations));
  sample = Math.min(sample, scene.points.length - 1);
  inspected = null;
  parts.neuron.replaceChildren(el("h3", {text: "A neuron's formula"}),
    el("p", {class: "hint", text: "Click a neuron of the network to see its formula with the " +
      "numbers of the chosen sample, and its δ from backpropagation."}));
  stepper.reset();
}

function outputPanel() {
  parts.surface = el("canvas", {width: 300, height: 300, id: "surface", class: "surface",
    title: "Click a point to choose it as the sample for the formulas"});
  parts.surface.addEventListener("click", choosePoint);
  parts.showTest = el("input", {type: "checkbox", id: "show-test", checked: true,
                                onchange: () => lastFrame && drawSurface(lastFrame)});
  parts.losses = el("div", {class: "losses", id: "losses"});
  parts.curves = el("canvas", {width: 300, height: 110, id: "curves"});
  parts.sampleInput = el("input", {type: "number", id: "sample", min: 0,
    max: scene.points.length - 1, value: sample, onchange: () => choose(Number(parts.sampleInput.value))});
  const base = `/api/sessions/${ctx.session}/export`;
  return [
    el("h2", {text: "Output"}), parts.surface,
    el("label", {class: "check"}, parts.showTest, "Show test data (dark rings)"),
    parts.losses, parts.curves,
    el("div", {class: "legend"}, el("span", {class: "swatch train"}), "training loss ",
       el("span", {class: "swatch test"}), "test loss"),
    el("div", {class: "control"}, el("label", {for: "sample", text: "Sample (or click a point)"}),
       parts.sampleInput),
    el("div", {class: "export"}, "Export: ",
       el("a", {href: `${base}/model.nnl`, download: "model.nnl", id: "export-model"}, "model file"),
       " · ",
       el("a", {href: `${base}/train.py`, download: "train.py", id: "export-script"}, "Python script")),
  ];
}

function choose(index) {
  if (!Number.isInteger(index) || index < 0 || index >= scene.points.length) return;
  sample = index;
  parts.sampleInput.value = index;
  if (lastFrame) drawSurface(lastFrame);
  if (inspected) ctx.action("inspect", {...inspected, sample});
  stepper.reset();
}

function choosePoint(event) {
  const box = parts.surface.getBoundingClientRect();
  const x = ((event.clientX - box.left) / box.width) * 2 * scene.extent - scene.extent;
  const y = scene.extent - ((event.clientY - box.top) / box.height) * 2 * scene.extent;
  let best = 0, distance = Infinity;
  scene.points.forEach(([a, b], i) => {
    const d = (a - x) ** 2 + (b - y) ** 2;
    if (d < distance) [best, distance] = [i, d];
  });
  choose(best);
}

function drawSurface(frame) {
  const canvas = parts.surface, grid = scene.grid, surface = frame.surface;
  if (surface.winner) {
    const winner = decode(surface.winner), confidence = decode(surface.probability);
    heatmap(canvas, grid, (k) => classShade(winner[k], confidence[k], scene.classes.length));
  } else {
    const bytes = decode(surface.probability ?? surface.value);
    heatmap(canvas, grid, (k) => diverging(bytes[k]));
  }
  const showTest = parts.showTest.checked;
  const shown = showTest ? [...scene.train, ...scene.test] : scene.train;
  const testSet = new Set(scene.test);
  const colour = (i) => (scene.task === "classification" ? CLASS_COLOURS[scene.targets[i]]
    : `rgb(${diverging(Math.round((scene.targets[i] + 1) * 127.5)).join(",")})`);
  dots(canvas, scene.extent, shown.map((i) => scene.points[i]), shown.map(colour),
       shown.map((i) => testSet.has(i)));
  // the chosen sample: a ring
  const context = canvas.getContext("2d");
  context.beginPath();
  context.arc(...toPixels(canvas, scene.extent)(scene.points[sample]), 7, 0, 2 * Math.PI);
  context.lineWidth = 2;
  context.strokeStyle = "#000";
  context.stroke();
}

export function frame(message) {
  lastFrame = message;
  if (message.epoch === 0) curve = [message.losses];
  else if (message.epoch >= curve.length) curve.push(message.losses);
  parts.epoch.textContent = `Epoch ${message.epoch}`;
  diagram.update(message, scene.grid);
  drawSurface(message);
  const losses = message.losses;
  const accuracy = losses.test_accuracy === undefined ? ""
    : ` · accuracy ${fmt(losses.train_accuracy * 100, 3)}% / ${fmt(losses.test_accuracy * 100, 3)}%`;
  parts.losses.replaceChildren(
    el("span", {}, "Test loss ", el("b", {id: "test-loss", text: fmt(losses.test_loss)})),
    " · ", el("span", {}, "training loss ", el("b", {id: "train-loss", text: fmt(losses.train_loss)})),
    accuracy);
  lineChart(parts.curves, [
    {values: curve.map((c) => c.train_loss), colour: "#555"},
    {values: curve.map((c) => c.test_loss), colour: "#0877bd"},
  ], {xLabel: `epoch ${message.epoch}`});
  if (message.diverged) notice(message.diverged, "error");
}

export function status(message) {
  parts.buttons.setPlaying(message.playing);
}

function showNeuron(detail) {
  parts.neuron.replaceChildren(
    el("h3", {text: `Neuron ${detail.neuron + 1} of layer ${detail.layer}, sample ${detail.sample}`}),
    el("p", {class: "hint", text: `The sample (${detail.split} data): x⁰ = (` +
      detail.inputs.map((v) => fmt(v)).join(", ") + `) for the features ${detail.features.join(", ")}.`}),
    ...detail.mathml.map((mathml) => setMath(el("div", {class: "formula"}), mathml)),
    el("p", {class: "result"}, "a = ", el("b", {class: "potential", text: fmt(detail.potential)}),
       ", x = ", el("b", {class: "activation", text: fmt(detail.output)}),
       ", δ = ", el("b", {class: "delta", text: fmt(detail.delta)})));
}

export function detail(message) {
  if (message.kind === "neuron") showNeuron(message);
  if (message.kind === "backprop") stepper.show(message);
}
