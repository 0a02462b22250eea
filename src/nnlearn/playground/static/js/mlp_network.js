// The MLP view's network diagram: a column per layer, each neuron a small heat map of its
// output over the data's square, links as thick as their weights, coloured by sign.
// Clicking a link or a neuron's bias edits it; clicking a neuron shows its formula.

import {el, fmt, svg} from "./dom.js";
import {divergingMap} from "./draw.js";

const NODE = 38, GAP = 12, HEADER = 46;

/** A small box to type a new value for a weight or a bias. */
function editor(host, x, y, label, value, set) {
  host.querySelector(".editor")?.remove();
  const input = el("input", {type: "number", step: "any", value, "aria-label": label});
  const close = () => box.remove();
  const apply = () => {
    if (input.value !== "" && Number.isFinite(Number(input.value))) set(Number(input.value));
    close();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") apply();
    if (event.key === "Escape") close();
  });
  const box = el("div", {class: "editor", style: `left:${x}px;top:${y}px`},
    el("div", {text: label}), input, el("button", {onclick: apply}, "Set"),
    el("button", {onclick: close}, "Cancel"));
  host.append(box);
  input.focus();
  input.select();
}

/**
 * Build the diagram for `layers` = [features, hidden..., outputs].
 * handlers: {inspect(layer, neuron), setWeight(layer, source, neuron, value),
 *            setBias(layer, neuron, value), featureLabels, outputLabels}
 * Returns {node, update(frame), annotate(layerIndex, values), clearAnnotations()}.
 */
export function networkDiagram(layers, handlers) {
  const columns = layers.length;
  const tallest = Math.max(...layers);
  const LEFT = 60;   // room for the features' names
  const width = Math.max(420, LEFT + columns * 80);
  const height = HEADER + tallest * (NODE + GAP) + 8;
  const host = el("div", {class: "diagram", style: `width:${width}px;height:${height}px`});
  const links = svg("svg", {width, height, class: "links"});
  host.append(links);
  const columnX = (c) => LEFT + (c * (width - LEFT - 70 - NODE)) / Math.max(columns - 1, 1);
  const nodeY = (c, i) => HEADER + (tallest - layers[c]) * (NODE + GAP) / 2 + i * (NODE + GAP);
  const centre = (c, i) => [columnX(c) + NODE / 2, nodeY(c, i) + NODE / 2];

  const lines = [];     // lines[κ][i][j]: the link of W^κ[i, j]
  for (let k = 1; k < columns; k++) {
    lines[k] = [];
    for (let i = 0; i < layers[k - 1]; i++) {
      lines[k][i] = [];
      for (let j = 0; j < layers[k]; j++) {
        const [x1, y1] = centre(k - 1, i), [x2, y2] = centre(k, j);
        const line = svg("line", {x1: x1 + NODE / 2, y1, x2: x2 - NODE / 2, y2,
                                  class: "link", "data-layer": k, "data-source": i,
                                  "data-neuron": j});
        line.append(svg("title"));
        line.addEventListener("click", (event) => {
          const box = host.getBoundingClientRect();
          editor(host, event.clientX - box.left, event.clientY - box.top,
                 `W${k}[${i + 1}, ${j + 1}]`, line.dataset.value,
                 (value) => handlers.setWeight(k, i, j, value));
        });
        links.append(line);
        lines[k][i][j] = line;
      }
    }
  }

  const maps = [], biases = [], values = [];   // per column, per neuron
  for (let c = 0; c < columns; c++) {
    maps[c] = [];
    biases[c] = [];
    values[c] = [];
    for (let i = 0; i < layers[c]; i++) {
      const output = c === columns - 1;
      const canvas = el("canvas", {width: NODE, height: NODE});
      const label = c === 0 ? handlers.featureLabels[i] : output ? handlers.outputLabels[i] : null;
      const value = el("span", {class: "value"});
      const node = el("div", {class: `node${c === 0 ? " feature" : ""}`, "data-layer": c,
                              "data-neuron": i, style: `left:${columnX(c)}px;top:${nodeY(c, i)}px`,
                              title: c === 0 ? `input ${label}` : "click: its formula for the sample"},
        canvas, label ? el("span", {class: `label${output ? " right" : ""}`, text: label}) : null,
        value);
      if (c > 0) {
        node.addEventListener("click", () => handlers.inspect(c, i));
        const bias = el("button", {class: "bias", "aria-label": `bias of neuron ${i + 1}, layer ${c}`});
        bias.addEventListener("click", (event) => {
          event.stopPropagation();
          const box = host.getBoundingClientRect();
          editor(host, event.clientX - box.left, event.clientY - box.top,
                 `b${c}[${i + 1}]`, bias.dataset.value, (v) => handlers.setBias(c, i, v));
        });
        node.append(bias);
        biases[c][i] = bias;
      }
      host.append(node);
      maps[c][i] = canvas;
      values[c][i] = value;
    }
  }

  return {
    node: host,
    header: HEADER,
    columnX: (c) => columnX(c) + NODE / 2,
    /** Draw the feature maps (once per setup). */
    features(featureMaps, grid) {
      featureMaps.forEach((map, i) => divergingMap(maps[0][i], map, grid));
    },
    /** Weights, biases and the hidden neurons' maps of a frame. */
    update(frame, grid) {
      const largest = Math.max(1e-9, ...frame.weights.flat(2).map(Math.abs));
      frame.weights.forEach((matrix, k) => matrix.forEach((row, i) => row.forEach((w, j) => {
        const line = lines[k + 1][i][j];
        line.dataset.value = w;
        line.setAttribute("stroke-width", (0.6 + 5 * Math.abs(w) / largest).toFixed(2));
        line.setAttribute("stroke", w >= 0 ? "#0877bd" : "#f59322");
        line.firstChild.textContent = `W${k + 1}[${i + 1}, ${j + 1}] = ${fmt(w)} (click to edit)`;
      })));
      frame.biases.forEach((row, k) => row.forEach((b, i) => {
        const bias = biases[k + 1][i];
        bias.dataset.value = b;
        bias.title = `b${k + 1}[${i + 1}] = ${fmt(b)} (click to edit)`;
        bias.style.background = b >= 0 ? "#0877bd" : "#f59322";
      }));
      frame.neuron_maps.forEach((layer, k) => layer.forEach((map, i) =>
        divergingMap(maps[k + 1][i], map, grid)));
    },
    /** Show one number under each neuron of column c (a step of backpropagation). */
    annotate(c, numbers) {
      values.flat().forEach((value) => { value.textContent = ""; });
      host.querySelectorAll(".node.active").forEach((node) => node.classList.remove("active"));
      if (c === null) return;
      numbers.forEach((number, i) => {
        values[c][i].textContent = fmt(number, 3);
        values[c][i].parentElement.classList.add("active");
      });
    },
  };
}
