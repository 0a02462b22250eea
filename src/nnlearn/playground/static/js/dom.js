// Small helpers for building the page: elements, the controls of a view's settings,
// notices, and numbers as the page writes them.

/** An element: el("div", {class: "x", onclick: f}, child, "text", ...). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

/** An SVG element with attributes. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** A number with 4 significant digits and a true minus sign (−0.1235). */
export function fmt(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const text = Math.abs(value) >= 1e-3 || value === 0
    ? String(Number(value.toPrecision(digits))) : value.toPrecision(digits - 1);
  return text.replace("-", "−");
}

/** A message at the top of the page; errors stay until closed, notes go by themselves. */
export function notice(text, kind = "note") {
  const box = document.getElementById("notices");
  const item = el("div", {class: `notice ${kind}`, role: kind === "error" ? "alert" : null},
    el("span", {text}),
    el("button", {class: "close", title: "Close", "aria-label": "Close",
                  onclick: () => item.remove()}, "×"));
  box.append(item);
  if (kind !== "error") setTimeout(() => item.remove(), 8000);
  return item;
}

/** Remove every notice (a new view starts clean). */
export function clearNotices() {
  document.getElementById("notices").replaceChildren();
}

/** Set a MathML string (typeset by the server) as the content of an element. */
export function setMath(node, mathml) {
  node.innerHTML = mathml;
  return node;
}

/** The control of one setting, as its description from the server says. */
function control(setting, value, change) {
  const id = `setting-${setting.name}`;
  const title = setting.help || null;
  const label = el("label", {for: id, title}, setting.label);
  if (setting.kind === "choice") {
    const select = el("select", {id, name: setting.name, onchange: () => change(setting.name, select.value)},
      setting.options.map((option, i) => el("option", {value: option, selected: option === value},
                                            setting.option_labels[i])));
    return el("div", {class: "control"}, label, select);
  }
  if (setting.kind === "choices") {
    const boxes = setting.options.map((option, i) => el("label", {class: "check"},
      el("input", {type: "checkbox", value: option, checked: value.includes(option),
                   onchange: () => change(setting.name, boxes.map((b) => b.firstChild)
                     .filter((box) => box.checked).map((box) => box.value))}),
      setting.option_labels[i]));
    return el("fieldset", {class: "control", id}, el("legend", {text: setting.label}), boxes);
  }
  if (setting.kind === "integer" || setting.kind === "real") {
    const slider = setting.step !== undefined;
    const shown = el("output", {for: id, text: String(value)});
    const input = el("input", {
      id, name: setting.name, type: slider ? "range" : "number", value,
      min: setting.minimum, max: setting.maximum, step: setting.step ?? "any",
      oninput: () => { shown.textContent = input.value; },
      onchange: () => input.value !== "" && change(setting.name, Number(input.value)),
    });
    return el("div", {class: "control"}, label, slider ? shown : null, input);
  }
  // lists (sizes, reals, words): comma-separated text
  const input = el("input", {id, name: setting.name, type: "text", value: value.join(","),
    onchange: () => {
      const items = input.value.split(",").map((item) => item.trim()).filter((item) => item);
      change(setting.name, setting.kind === "words" ? items : items.map(Number));
    }});
  return el("div", {class: "control"}, label, input);
}

/** The controls of a view's settings (those named in `only`, in that order). */
export function settingsPanel(settings, setup, change, only) {
  const byName = Object.fromEntries(settings.map((setting) => [setting.name, setting]));
  return (only ?? settings.map((s) => s.name)).map(
    (name) => control(byName[name], setup[name], change));
}

/** Play, pause, step and reset buttons; returns {node, setPlaying}. */
export function playButtons(ctx, labels = {}) {
  const play = el("button", {class: "play", id: "play", title: "Play / pause",
                             onclick: () => ctx.send({type: ctx.playing ? "pause" : "play"})},
                  "▶ Play");
  const step = el("button", {id: "step", title: labels.step || "One update",
                             onclick: () => ctx.send({type: "step"})}, labels.stepText || "Step");
  const reset = el("button", {id: "reset", title: "Start again from the setup",
                              onclick: () => ctx.send({type: "reset"})}, "Reset");
  return {
    node: el("div", {class: "buttons"}, play, step, reset),
    setPlaying(playing) {
      play.textContent = playing ? "❚❚ Pause" : "▶ Play";
      play.classList.toggle("playing", playing);
    },
  };
}

/** The equations of a view (MathML from the server), each under its name. */
export function equationList(equations) {
  return el("section", {class: "equations"}, el("h3", {text: "The equations"}),
    equations.map((equation) => el("div", {class: "equation"},
      el("div", {class: "equation-name", text: equation.name}),
      setMath(el("div"), equation.mathml))));
}

/** A panel with a heading. */
export function panel(title, ...children) {
  return el("section", {class: "panel"}, el("h2", {text: title}), ...children);
}

/**
 * The frame of the neurons, Hopfield, Boltzmann and Markov views: play buttons and a
 * status line, then the setup, the given columns, and the view's equations below.
 * Returns {buttons, status, show(message, names, ...extra)}: `show` fills the setup with
 * the controls of the settings `names` (and `extra` nodes) and lists the equations.
 */
export function viewFrame(root, ctx, description, {step, stepText, statusId, columns, wide = false}) {
  const buttons = playButtons(ctx, {step, stepText});
  const status = el("span", {class: "epoch", id: statusId});
  const settings = el("section", {class: "panel"});
  const equations = el("section", {class: "panel"});
  root.append(el("div", {class: "toolbar"}, buttons.node, status),
    el("div", {class: `three-columns${wide ? " wide-middle" : ""}`}, settings, ...columns),
    equations);
  return {
    buttons, status,
    show(message, names, ...extra) {
      settings.replaceChildren(el("h2", {text: "Setup"}),
        ...settingsPanel(description.settings, message.setup, ctx.change, names), ...extra);
      equations.replaceChildren(equationList(message.equations));
    },
  };
}
