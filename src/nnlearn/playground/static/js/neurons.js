// The classic neurons view: a McCulloch-Pitts unit designed by hand, or the perceptron
// rule and Adaline learning one sample at a time; the boundary moves with each update.

import {el, fmt, panel, viewFrame} from "./dom.js";
import {CLASS_COLOURS, barChart, decode, diverging, heatmap} from "./draw.js";

let parts, layout, scene, config;

export function build(root, ctx, view) {
  parts = {
    plot: el("canvas", {width: 380, height: 380, id: "neuron-plot", class: "surface"}),
    errors: el("canvas", {width: 340, height: 160, id: "errors"}),
    side: el("section", {class: "panel", id: "neuron-side"}),
  };
  layout = viewFrame(root, ctx, view, {step: "One sample", statusId: "progress", columns: [
    panel("The neuron on its data", parts.plot,
      el("p", {class: "hint", text: "Shaded: the class the neuron gives each point; the line: " +
        "w₁x₁ + w₂x₂ + b = 0; the ringed point is the next sample."})),
    parts.side]});
  parts.progress = layout.status;
}

export function setup(message) {
  scene = message.scene;
  config = message.setup;
  layout.show(message, scene.learns ? ["model", "data", "lr", "epochs", "speed", "seed"]
    : ["model", "data", "w1", "w2", "threshold"]);
  layout.buttons.node.hidden = !scene.learns;
}

function place(box, canvas) {
  const [x0, x1, y0, y1] = box;
  return ([x, y]) => [(x - x0) / (x1 - x0) * canvas.width, (y1 - y) / (y1 - y0) * canvas.height];
}

function drawPlot(frame) {
  const canvas = parts.plot, context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  if (frame.map) {
    const bytes = decode(frame.map);
    heatmap(canvas, scene.grid, (k) => diverging(128 + (bytes[k] - 128) * 0.35));
  }
  const at = place(scene.box, canvas);
  if (frame.boundary.length === 2) {
    const [a, b] = frame.boundary.map(at);
    context.beginPath();
    context.moveTo(...a);
    context.lineTo(...b);
    context.lineWidth = 2;
    context.strokeStyle = "#222";
    context.stroke();
  }
  scene.points.forEach((point, i) => {
    const [x, y] = at(point);
    context.beginPath();
    context.arc(x, y, scene.points.length <= 4 ? 9 : 4.5, 0, 2 * Math.PI);
    context.fillStyle = CLASS_COLOURS[scene.labels[i]];
    context.fill();
    context.lineWidth = i === frame.sample && scene.learns ? 3 : 1;
    context.strokeStyle = i === frame.sample && scene.learns ? "#000" : "#fff";
    context.stroke();
  });
}

export function frame(message) {
  drawPlot(message);
  const w = message.weights;
  const weights = w ? `w₁ = ${fmt(w[0])}, w₂ = ${fmt(w[1])}, b = ${fmt(w[2])}` : "no update yet";
  if (!scene.learns) {
    parts.progress.textContent = message.computes ? `This unit computes ${message.computes.toUpperCase()}`
      : "This unit computes none of AND, OR, NAND, NOR, XOR";
    const table = message.table;
    parts.side.replaceChildren(el("h2", {text: "Truth table"}),
      el("table", {class: "numbers", id: "truth-table"},
        el("thead", {}, el("tr", {}, ["I₁", "I₂", "Σ wᵢIᵢ", "y"].map((h) => el("th", {text: h})))),
        el("tbody", {}, table.inputs.map((input, i) => el("tr", {},
          el("td", {text: input[0]}), el("td", {text: input[1]}),
          el("td", {text: fmt(table.net[i])}), el("td", {text: table.outputs[i]}))))),
      el("p", {text: `${weights}: y = 1 where Σ wᵢIᵢ ≥ T = ${fmt(config.threshold)}.`}));
    return;
  }
  const epochs = message.errors.length;
  parts.progress.textContent = message.converged
    ? `Converged after ${epochs} epoch${epochs === 1 ? "" : "s"}: an epoch without a mistake`
    : epochs >= config.epochs
      ? `Stopped after ${epochs} epochs (the most), still making mistakes`
      : `Epoch ${message.epoch + 1}, sample ${message.sample + 1}`;
  const counts = [...message.errors, message.mistakes];
  barChart(parts.errors, counts.map((count, k) => [{value: count,
    colour: k === counts.length - 1 ? "#9ab" : "#0877bd"}]),
    counts.map((_, k) => String(k + 1)), {labelEvery: Math.ceil(counts.length / 15)});
  parts.side.replaceChildren(el("h2", {text: "Mistakes per epoch"}), parts.errors,
    el("p", {id: "mistakes", text: message.errors.length
      ? `Mistakes in the epochs so far: ${message.errors.join(", ")}` : "No epoch finished yet."}),
    el("p", {text: weights}));
}

export function status(message) {
  layout.buttons.setPlaying(message.playing);
}
