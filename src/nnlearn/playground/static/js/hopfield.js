// The Hopfield view: a grid to draw on, the stored patterns, and the recall unit by
// unit with its energy. The server stores, corrupts and updates; this page draws.

import {el, fmt, panel, viewFrame} from "./dom.js";
import {lineChart} from "./draw.js";

let ctx, layout, parts, scene, state = [];
let painting = null;   // the value being painted while the mouse is down

export function build(root, context, view) {
  ctx = context;
  parts = {
    grid: el("canvas", {width: 360, height: 360, id: "grid", class: "surface"}),
    energy: el("canvas", {width: 340, height: 150, id: "energy"}),
    memory: el("section", {class: "panel", id: "memory"}),
    overlaps: el("div", {id: "overlaps"}),
  };
  parts.grid.addEventListener("mousedown", (event) => {
    const cell = cellAt(event);
    painting = -state[cell];
    paint(cell);
  });
  parts.grid.addEventListener("mousemove", (event) => painting !== null && paint(cellAt(event)));
  window.addEventListener("mouseup", () => { painting = null; });
  const tools = el("div", {class: "tools"},
    el("button", {id: "corrupt", onclick: () => ctx.action("corrupt")}, "Corrupt"),
    el("button", {onclick: () => ctx.action("clear")}, "Clear"),
    el("button", {onclick: () => ctx.action("random")}, "Random"),
    el("button", {id: "store", onclick: () => ctx.action("store")}, "Store this pattern"),
    el("div", {class: "digits"}, "Digits: ",
       [...Array(10).keys()].map((d) => el("button", {onclick: () => ctx.action("digit", {digit: d})}, String(d)))));
  layout = viewFrame(root, ctx, view, {step: "Update the next units", statusId: "recall-status",
    columns: [
      panel("The network's state", parts.grid,
        el("p", {class: "hint", text: "Draw with the mouse: each cell is a unit, black +1, " +
          "white −1. Play recalls: one unit at a time takes the sign of its field."}), tools),
      panel("Energy E(x) during the recall", parts.energy, parts.overlaps, parts.memory)]});
  parts.status = layout.status;
}

function cellAt(event) {
  const box = parts.grid.getBoundingClientRect();
  const size = scene.size;
  const column = Math.min(size - 1, Math.floor(((event.clientX - box.left) / box.width) * size));
  const row = Math.min(size - 1, Math.floor(((event.clientY - box.top) / box.height) * size));
  return row * size + column;
}

function paint(cell) {
  if (state[cell] === painting) return;
  state[cell] = painting;
  ctx.action("set_cells", {cells: [cell], value: painting});
}

function drawPattern(canvas, pattern, size, highlight = null, lines = true) {
  const context = canvas.getContext("2d"), w = canvas.width / size;
  pattern.forEach((v, k) => {
    context.fillStyle = v > 0 ? "#183d4e" : "#fff";
    context.fillRect((k % size) * w, Math.floor(k / size) * w, w, w);
  });
  context.strokeStyle = "#ddd";
  context.lineWidth = 1;
  for (let i = 0; lines && i <= size; i++) {
    context.beginPath(); context.moveTo(i * w, 0); context.lineTo(i * w, canvas.height); context.stroke();
    context.beginPath(); context.moveTo(0, i * w); context.lineTo(canvas.width, i * w); context.stroke();
  }
  if (highlight !== null) {
    context.strokeStyle = "#f59322";
    context.lineWidth = 3;
    context.strokeRect((highlight % size) * w + 1.5, Math.floor(highlight / size) * w + 1.5, w - 3, w - 3);
  }
}

export function setup(message) {
  scene = message.scene;
  layout.show(message, ["size", "rule", "flip", "speed", "seed"]);
  const n = scene.patterns.length, units = scene.size ** 2;
  parts.memory.replaceChildren(el("h2", {text: `Stored patterns (${n})`}),
    el("p", {class: "hint", text: `${n} pattern${n === 1 ? "" : "s"} in ${units} units. Hebb's rule holds ` +
      `about 0.138 × ${units} ≈ ${fmt(scene.capacity, 3)} random patterns, and fewer correlated ` +
      "ones such as digits; Storkey's rule and the pseudo-inverse hold more. Past that, recalls " +
      "end in spurious states."}),
    el("div", {class: "thumbnails"}, scene.patterns.map((pattern, k) => {
      const thumbnail = el("canvas", {width: 60, height: 60});
      drawPattern(thumbnail, pattern, scene.size, null, false);
      return el("div", {class: "thumbnail"}, thumbnail,
        el("button", {title: "Put it on the grid with cells flipped (the setup's share), " +
                      "ready to recall", class: "recall-pattern",
                      onclick: () => ctx.action("pattern", {index: k})}, "Corrupted"),
        el("button", {title: "Forget it", onclick: () => ctx.action("forget", {index: k})}, "Forget"));
    })));
}

export function frame(message) {
  state = message.state.slice();
  drawPattern(parts.grid, message.state, scene.size, message.unit);
  lineChart(parts.energy, [{values: message.energies, colour: "#183d4e"}], {xLabel: "unit updates"});
  const found = message.recognised || (message.stable ? "a spurious state (no stored pattern)" : "");
  parts.status.textContent = message.converged ? `Converged after ${message.sweeps} sweeps: ${found}`
    : `Sweep ${message.sweeps + 1}, energy ${fmt(message.energies.at(-1))}` +
      (message.recognised ? ` · now ${message.recognised}` : "");
  parts.overlaps.replaceChildren(el("p", {class: "hint", text: "Overlap with each stored pattern, " +
    "m = ξ·x / L: " + message.overlaps.map((m, k) => `${k + 1}: ${fmt(m, 2)}`).join(", ")}));
}

export function status(message) {
  layout.buttons.setPlaying(message.playing);
}
