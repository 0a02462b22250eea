// Drawing on canvases: heat maps sent by the server as bytes, points, curves and bars.
// Nothing here computes a model: every value comes from the server.

/** The colours of the classes (0: orange, 1: blue, as in TensorFlow Playground). */
export const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca25f", "#c51b8a", "#756bb1",
                              "#b35806", "#636363", "#e7298a", "#1b9e77", "#d95f02"];
const NEGATIVE = [245, 147, 34], MIDDLE = [232, 234, 235], POSITIVE = [8, 119, 189];

/** Bytes from base64 (a heat map: one byte per grid point, row by row from the top). */
export function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/** Byte 0..255 → orange (0) through grey-white (128) to blue (255). */
export function diverging(byte) {
  const t = byte / 255;
  return t < 0.5 ? mix(NEGATIVE, MIDDLE, t * 2) : mix(MIDDLE, POSITIVE, (t - 0.5) * 2);
}

function hexColour(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Class index and confidence (bytes) → the class's colour, paler where less sure. */
export function classShade(classIndex, confidenceByte, nClasses) {
  const t = Math.max(0, (confidenceByte / 255 - 1 / nClasses) / (1 - 1 / nClasses));
  return mix(MIDDLE, hexColour(CLASS_COLOURS[classIndex % CLASS_COLOURS.length]), t * 0.8);
}

/** Draw a size × size map onto `canvas`, each point coloured by colourOf(k). */
export function heatmap(canvas, size, colourOf) {
  const grid = document.createElement("canvas");
  grid.width = grid.height = size;
  const context = grid.getContext("2d");
  const image = context.createImageData(size, size);
  for (let k = 0; k < size * size; k++) {
    const [r, g, b] = colourOf(k);
    image.data.set([r, g, b, 255], 4 * k);
  }
  context.putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = true;
  target.drawImage(grid, 0, 0, canvas.width, canvas.height);
}

/** A map of values scaled to bytes (0 → orange, 128 → white, 255 → blue). */
export function divergingMap(canvas, base64, size) {
  const bytes = decode(base64);
  heatmap(canvas, size, (k) => diverging(bytes[k]));
}

/** Points [x1, x2] in [−extent, extent]² as pixels of a canvas. */
export function toPixels(canvas, extent) {
  return ([x1, x2]) => [(x1 + extent) / (2 * extent) * canvas.width,
                        (extent - x2) / (2 * extent) * canvas.height];
}

/** Dots at `points` with their fill colours; test points get a dark ring. */
export function dots(canvas, extent, points, fills, rings = []) {
  const context = canvas.getContext("2d");
  const place = toPixels(canvas, extent);
  points.forEach((point, i) => {
    const [x, y] = place(point);
    context.beginPath();
    context.arc(x, y, 3.2, 0, 2 * Math.PI);
    context.fillStyle = fills[i];
    context.fill();
    context.lineWidth = 1;
    context.strokeStyle = rings[i] ? "#111" : "#fff";
    context.stroke();
  });
}

/** Line chart of series [{values, colour, label}] against their index, with axes. */
export function lineChart(canvas, series, {yLabel = "", logY = false, xLabel = ""} = {}) {
  const context = canvas.getContext("2d");
  const {width, height} = canvas;
  const pad = {left: 44, right: 8, top: 8, bottom: 20};
  context.clearRect(0, 0, width, height);
  const transform = (v) => (logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const all = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)).map(transform));
  const n = Math.max(...series.map((s) => s.values.length), 2);
  if (!all.length) return;
  let low = Math.min(...all), high = Math.max(...all);
  if (!logY) low = Math.min(low, 0);
  if (high - low < 1e-12) high = low + 1;
  const x = (i) => pad.left + (i / (n - 1)) * (width - pad.left - pad.right);
  const y = (v) => pad.top + (1 - (transform(v) - low) / (high - low)) * (height - pad.top - pad.bottom);
  context.strokeStyle = "#bbb";
  context.lineWidth = 1;
  context.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  context.fillStyle = "#555";
  context.font = "11px system-ui, sans-serif";
  const top = logY ? 10 ** high : high, bottom = logY ? 10 ** low : low;
  context.fillText(Number(top.toPrecision(2)).toString(), 2, pad.top + 9);
  context.fillText(Number(bottom.toPrecision(2)).toString(), 2, height - pad.bottom);
  const last = xLabel || `${n - 1}`;
  context.fillText(last, width - pad.right - context.measureText(last).width, height - 5);
  if (yLabel) context.fillText(yLabel, pad.left + 4, pad.top + 12);
  for (const s of series) {
    context.beginPath();
    context.strokeStyle = s.colour;
    context.lineWidth = s.width || 1.6;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return;
      if (i === 0) context.moveTo(x(i), y(v)); else context.lineTo(x(i), y(v));
    });
    context.stroke();
  }
}

/** Bars side by side: groups[k] = [{value, colour}] for category k, with labels under. */
export function barChart(canvas, groups, labels, {maximum = null, labelEvery = 1} = {}) {
  const context = canvas.getContext("2d");
  const {width, height} = canvas;
  const pad = {left: 36, right: 6, top: 8, bottom: 34};
  context.clearRect(0, 0, width, height);
  const top = maximum ?? Math.max(1e-12, ...groups.flat().map((bar) => bar.value));
  const slot = (width - pad.left - pad.right) / groups.length;
  const chartHeight = height - pad.top - pad.bottom;
  context.strokeStyle = "#bbb";
  context.beginPath();
  context.moveTo(pad.left, height - pad.bottom);
  context.lineTo(width - pad.right, height - pad.bottom);
  context.stroke();
  context.fillStyle = "#555";
  context.font = "11px system-ui, sans-serif";
  context.fillText(Number(top.toPrecision(2)).toString(), 2, pad.top + 9);
  context.fillText("0", 2, height - pad.bottom);
  groups.forEach((bars, k) => {
    const barWidth = Math.max(1, (slot * 0.8) / bars.length);
    bars.forEach((bar, j) => {
      const h = (bar.value / top) * chartHeight;
      context.fillStyle = bar.colour;
      context.fillRect(pad.left + k * slot + slot * 0.1 + j * barWidth,
                       height - pad.bottom - h, barWidth, h);
    });
    if (k % labelEvery === 0) {
      context.save();
      context.fillStyle = "#333";
      context.translate(pad.left + k * slot + slot / 2, height - pad.bottom + 4);
      context.rotate(Math.PI / 4);
      context.fillText(labels[k], 0, 6);
      context.restore();
    }
  });
}
