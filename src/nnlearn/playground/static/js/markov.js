// The Markov chain view: an editable transition matrix, p_n step by step beside π, the
// sampled trajectories and what the chain is (classes, period, mixing time).

import {el, fmt, panel, viewFrame} from "./dom.js";
import {CLASS_COLOURS, barChart, lineChart} from "./draw.js";

let ctx, layout, parts, scene;

export function build(root, context, view) {
  ctx = context;
  parts = {
    bars: el("canvas", {width: 420, height: 200, id: "distribution"}),
    lines: el("canvas", {width: 420, height: 160, id: "convergence"}),
    distance: el("p", {id: "tv"}),
    paths: el("canvas", {width: 340, height: 200, id: "paths"}),
    facts: el("div", {id: "facts"}),
    visits: el("p", {id: "visits"}),
  };
  layout = viewFrame(root, ctx, view, {step: "One step", statusId: "step-count", columns: [
    panel("The distribution pₙ and the stationary π", parts.bars,
      el("div", {class: "legend"}, el("span", {class: "swatch test"}), "pₙ ",
         el("span", {class: "swatch exact"}), "π"), parts.distance,
      el("h2", {text: "pₙ(i) over the steps"}), parts.lines),
    panel("Sampled trajectories", parts.paths, parts.visits, parts.facts)]});
  parts.progress = layout.status;
}

function matrixEditor() {
  const k = scene.states;
  const inputs = scene.T.map((row, i) => row.map((value, j) => el("input", {
    type: "number", step: "0.05", min: 0, max: 1, value, "aria-label": `T(${i}, ${j})`})));
  const values = () => inputs.flat().map((input) => Number(input.value));
  return el("div", {},
    el("h3", {text: "Transition matrix T(i, j) = p(next j | now i)"}),
    el("table", {class: "matrix", id: "matrix"},
      el("tr", {}, el("th"), [...Array(k).keys()].map((j) => el("th", {text: `→ ${j}`}))),
      inputs.map((row, i) => el("tr", {}, el("th", {text: `${i}`}), row.map((input) => el("td", {}, input))))),
    el("div", {class: "buttons"},
      el("button", {id: "apply-matrix", onclick: () => ctx.change("matrix", values())}, "Apply"),
      el("button", {id: "normalize", title: "Divide each row by its sum, then apply",
                    onclick: () => ctx.action("normalize", {matrix: values()})}, "Normalize rows")));
}

export function setup(message) {
  scene = message.scene;
  layout.show(message, ["states", "start", "chains", "seed"], matrixEditor());
  const facts = [`Communication classes: ${scene.classes.map((c) => `{${c.join(", ")}}`).join(", ")}` +
    (scene.irreducible ? " (irreducible)" : ""), `Period: ${scene.period}`,
    scene.stationary ? `Stationary π = (${scene.stationary.map((p) => fmt(p, 3)).join(", ")})`
      : scene.why_no_stationary,
    scene.mixing_time !== null ? `Mixing time t_mix(1/4) = ${scene.mixing_time} steps` : scene.why_no_mixing_time];
  parts.facts.replaceChildren(el("h3", {text: "The chain"}), el("ul", {}, facts.map((f) => el("li", {text: f}))));
}

function drawPaths(recent, n) {
  const canvas = parts.paths, context = canvas.getContext("2d");
  const k = scene.states, length = recent[0].length;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const x = (t) => 30 + (t / Math.max(length - 1, 1)) * (canvas.width - 40);
  const y = (s) => 14 + (s / Math.max(k - 1, 1)) * (canvas.height - 34);
  context.fillStyle = "#555";
  context.font = "11px system-ui, sans-serif";
  for (let s = 0; s < k; s++) context.fillText(String(s), 8, y(s) + 4);
  context.fillText(`steps ${n - length + 1} to ${n}`, canvas.width - 110, canvas.height - 4);
  recent.forEach((path, c) => {
    context.beginPath();
    context.strokeStyle = CLASS_COLOURS[c % CLASS_COLOURS.length];
    context.lineWidth = 1.5;
    path.forEach((s, t) => (t ? context.lineTo(x(t), y(s) + c - recent.length / 2)
                              : context.moveTo(x(t), y(s) + c - recent.length / 2)));
    context.stroke();
  });
}

export function frame(message) {
  const states = [...Array(scene.states).keys()];
  parts.progress.textContent = `Step n = ${message.n}`;
  barChart(parts.bars, message.p.map((p, i) => [{value: p, colour: "#0877bd"},
    {value: scene.stationary ? scene.stationary[i] : 0, colour: "#bbb"}]), states.map(String), {maximum: 1});
  lineChart(parts.lines, states.map((i) => ({values: message.history.map((p) => p[i]),
    colour: CLASS_COLOURS[i % CLASS_COLOURS.length]})), {xLabel: `n = ${message.n}`});
  parts.distance.textContent = message.total_variation === null ? ""
    : `Distance to π: ½ Σ |pₙ(j) − π(j)| = ${fmt(message.total_variation, 3)}`;
  drawPaths(message.recent, message.n);
  parts.visits.textContent = "Share of visits so far: " +
    message.visits.map((v, i) => `${i}: ${fmt(v, 3)}`).join(", ");
}

export function status(message) {
  layout.buttons.setPlaying(message.playing);
}
