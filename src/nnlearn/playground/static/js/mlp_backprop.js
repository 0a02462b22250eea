// Backpropagation for one sample, step by step: forward layer by layer (a^κ, x^κ), the
// loss, backward (δ^K down to δ^1), then the gradients. The numbers are nnlearn's, sent
// by the server in one trace; this module only shows them one step at a time.

import {el, fmt, setMath} from "./dom.js";

function table(headers, rows) {
  return el("table", {class: "numbers"},
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {text: h})))),
    el("tbody", {}, rows.map((row) => el("tr", {}, row.map((cell, i) =>
      el(i === 0 ? "th" : "td", {text: typeof cell === "number" ? fmt(cell) : cell}))))));
}

/** The steps of a trace: [{title, mathml, body, column, values}]. */
function steps(trace) {
  const K = trace.layers.length;
  const list = [{
    title: `Input x⁰: the features of sample ${trace.sample} (${trace.split} data)`,
    body: table(["feature", "x⁰"], trace.features.map((name, i) => [name, trace.input[i]])),
    column: 0, values: trace.input,
  }];
  trace.layers.forEach((layer, k) => list.push({
    title: `Forward, layer ${k + 1}: potentials a${k + 1} and outputs x${k + 1}`,
    mathml: trace.mathml.forward,
    body: table(["neuron", `a${k + 1}`, `x${k + 1}`], layer.potentials.map((a, i) =>
      [String(i + 1), a, layer.activations[i]])),
    column: k + 1, values: layer.activations,
  }));
  const output = trace.layers[K - 1].activations;
  list.push({
    title: `The loss (${trace.loss_name}) of the output against the target`,
    body: el("div", {},
      table(["output", "x" + K, "target t"], output.map((x, i) => [String(i + 1), x, trace.target[i]])),
      el("p", {}, "L = ", el("b", {class: "loss", text: fmt(trace.loss)}))),
    column: K, values: output,
  });
  for (let k = K - 1; k >= 0; k--) {
    const layer = trace.layers[k];
    list.push({
      title: `Backward, layer ${k + 1}: δ${k + 1} = ∂L/∂a${k + 1}`,
      mathml: k === K - 1 ? trace.mathml.output : trace.mathml.hidden,
      body: table(["neuron", `a${k + 1}`, `δ${k + 1}`], layer.deltas.map((d, i) =>
        [String(i + 1), layer.potentials[i], d])),
      column: k + 1, values: layer.deltas,
    });
  }
  list.push({
    title: "The gradients: ∂L/∂W = x δ and ∂L/∂b = δ, for every layer",
    mathml: trace.mathml.gradient,
    body: el("div", {class: "gradients"}, trace.layers.map((layer, k) => el("div", {},
      el("h4", {text: `Layer ${k + 1}`}),
      table(["∂L/∂W" + (k + 1), ...layer.bias_gradients.map((_, j) => `→ ${j + 1}`)],
        [...layer.weight_gradients.map((row, i) => [`from ${i + 1}`, ...row]),
         ["∂L/∂b", ...layer.bias_gradients]])))),
    column: null, values: [],
  });
  return list;
}

/** The stepper in `host`: {show(trace), reset()}; handlers {start(), annotate(column, values)}. */
export function backpropStepper(host, handlers) {
  let list = [], index = 0;
  const title = el("div", {class: "step-title", id: "backprop-title"});
  const formula = el("div", {class: "formula"});
  const body = el("div", {class: "step-body", id: "backprop-body"});
  const back = el("button", {id: "backprop-back", onclick: () => go(index - 1)}, "◀ Back");
  const next = el("button", {id: "backprop-next", onclick: () => go(index + 1)}, "Next ▶");
  const start = el("button", {id: "backprop-start", onclick: () => handlers.start()},
                   "Step through backpropagation");
  const counter = el("span", {class: "counter"});

  function go(i) {
    if (!list.length) return;
    index = Math.max(0, Math.min(i, list.length - 1));
    const step = list[index];
    title.textContent = step.title;
    counter.textContent = `step ${index + 1} of ${list.length}`;
    if (step.mathml) setMath(formula, step.mathml); else formula.replaceChildren();
    body.replaceChildren(step.body);
    back.disabled = index === 0;
    next.disabled = index === list.length - 1;
    handlers.annotate(step.column, step.values);
  }

  function reset() {
    list = [];
    host.replaceChildren(el("h3", {text: "Backpropagation"}),
      el("p", {class: "hint", text: "One forward and one backward pass for the chosen sample, " +
        "layer by layer, with nnlearn's numbers."}), start);
    handlers.annotate(null, []);
  }

  function show(trace) {
    list = steps(trace);
    host.replaceChildren(el("h3", {text: `Backpropagation for sample ${trace.sample}`}),
      el("div", {class: "step-buttons"}, back, next, counter, start), title, formula, body);
    start.textContent = "Start again";
    go(0);
  }

  reset();
  return {show, reset};
}
