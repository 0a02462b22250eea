// The Boltzmann machine view: editable weights and biases, a temperature, the visited
// states' frequencies beside the exact Boltzmann distribution, and simulated annealing.

import {el, fmt, panel, viewFrame} from "./dom.js";
import {barChart, lineChart} from "./draw.js";

let ctx, layout, parts, scene;

export function build(root, context, view) {
  ctx = context;
  parts = {
    bars: el("canvas", {width: 560, height: 260, id: "bars"}),
    distance: el("p", {id: "distance"}),
    state: el("div", {class: "units", id: "units"}),
    weights: el("div", {id: "weights"}),
    anneal: el("section", {class: "panel", id: "anneal"}),
  };
  layout = viewFrame(root, ctx, view, {step: "A few sweeps", statusId: "samples", wide: true,
    columns: [
      panel("Sampled frequencies and the exact distribution", parts.bars,
        el("div", {class: "legend"}, el("span", {class: "swatch exact"}), "exact p(s) ",
           el("span", {class: "swatch test"}), "sampled"), parts.distance,
        el("h2", {text: "The state of the first chain"}), parts.state, parts.weights),
      parts.anneal]});
  parts.progress = layout.status;
}

function matrixEditor() {
  const n = scene.units;
  const upper = scene.weights.slice();
  const index = (i, j) => i * n - (i * (i + 1)) / 2 + (j - i - 1);   // position of w_ij, i < j
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push(el("tr", {}, el("th", {text: `${i + 1}`}), [...Array(n).keys()].map((j) => {
      if (j <= i) return el("td", {class: "below", text: j === i ? "0" : "", title: "w_ji = w_ij"});
      const input = el("input", {type: "number", step: "0.1", value: upper[index(i, j)],
        "aria-label": `w${i + 1}${j + 1}`,
        onchange: () => {
          upper[index(i, j)] = Number(input.value);
          ctx.change("weights", upper);
        }});
      return el("td", {}, input);
    })));
  }
  const biases = scene.biases.slice();
  return el("div", {},
    el("h3", {text: "Weights w_ij = w_ji (no self-connections) and biases b_i"}),
    el("table", {class: "matrix"}, el("tr", {}, el("th"), [...Array(n).keys()].map((j) => el("th", {text: `${j + 1}`}))), rows),
    el("div", {class: "bias-row"}, biases.map((b, i) => {
      const input = el("input", {type: "number", step: "0.1", value: b, "aria-label": `b${i + 1}`,
        onchange: () => { biases[i] = Number(input.value); ctx.change("biases", biases); }});
      return el("label", {}, `b${i + 1} `, input);
    })));
}

function annealPanel() {
  const schedule = el("select", {id: "schedule"}, ["geometric", "linear", "logarithmic"].map(
    (name) => el("option", {value: name, text: name})));
  const sweeps = el("input", {type: "number", id: "anneal-sweeps", value: 200, min: 1, max: 2000});
  const start = el("input", {type: "number", id: "anneal-start", value: 10, min: 0.05, step: "any"});
  parts.annealResult = el("div", {id: "anneal-result"});
  parts.annealChart = el("canvas", {width: 300, height: 140});
  return [el("h2", {text: "Simulated annealing"}),
    el("p", {class: "hint", text: `The ground state, by enumeration of the 2^${scene.units} states: ` +
      `${scene.ground_state.join("")} with E = ${fmt(scene.ground_energy)}.`}),
    el("div", {class: "control"}, el("label", {text: "Schedule"}), schedule),
    el("div", {class: "control"}, el("label", {text: "Sweeps"}), sweeps),
    el("div", {class: "control"}, el("label", {text: "Starting temperature"}), start),
    el("button", {id: "anneal-run", onclick: () => ctx.action("anneal", {schedule: schedule.value,
      sweeps: Number(sweeps.value), t_start: Number(start.value)})}, "Anneal"),
    parts.annealChart, parts.annealResult];
}

export function setup(message) {
  scene = message.scene;
  layout.show(message, ["units", "T", "rule", "chains", "seed"]);
  parts.weights.replaceChildren(matrixEditor());
  parts.anneal.replaceChildren(...annealPanel());
}

export function frame(message) {
  const n = scene.units, states = message.exact.length;
  const labels = [...Array(states).keys()].map((k) =>
    [...Array(n).keys()].map((i) => (k >> i) & 1).join(""));
  barChart(parts.bars, message.exact.map((p, k) => [{value: p, colour: "#bbb"},
    {value: message.frequencies[k], colour: "#0877bd"}]), labels,
    {labelEvery: Math.ceil(states / 16)});
  parts.progress.textContent = `${message.samples.toLocaleString()} states counted after ` +
    `${message.sweeps} sweeps at T = ${fmt(message.T)}`;
  parts.distance.textContent = message.total_variation === null ? "No state counted yet (burn-in)."
    : `Total variation distance between the frequencies and p(s): ${fmt(message.total_variation, 3)}`;
  parts.state.replaceChildren(...message.state.map((s, i) =>
    el("span", {class: `unit${s ? " on" : ""}`, title: `unit ${i + 1}: ${s}`, text: String(i + 1)})));
}

export function detail(message) {
  if (message.kind !== "anneal") return;
  lineChart(parts.annealChart, [{values: message.energies, colour: "#183d4e"}], {xLabel: "sweeps"});
  parts.annealResult.replaceChildren(el("p", {},
    `Final state ${message.state.join("")}, E = ${fmt(message.energy)}: `,
    el("b", {text: message.reached ? "the ground state" : "not the ground state (try a slower schedule)"})));
}

export function status(message) {
  layout.buttons.setPlaying(message.playing);
}
