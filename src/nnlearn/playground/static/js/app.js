// The page: one WebSocket to the server, the menu of views, the link in the address bar.
// Each view module (mlp.js, ...) builds its part of the page and draws what the server
// sends: {build(root, ctx), setup(message), frame(message), detail(message)}.

import {clearNotices, el, notice} from "./dom.js";
import * as boltzmann from "./boltzmann.js";
import * as hopfield from "./hopfield.js";
import * as markov from "./markov.js";
import * as mlp from "./mlp.js";
import * as neurons from "./neurons.js";

const MODULES = {mlp, neurons, hopfield, boltzmann, markov};
const root = document.getElementById("view");
const status = document.getElementById("connection");

const ctx = {
  socket: null,
  session: null,        // the session's id (for downloads)
  views: {},            // name → {title, settings}
  view: null,           // the view shown
  module: null,
  generation: -1,       // frames of an older view are ignored
  playing: false,
  query: "",            // the canonical link of the setup shown
  maxUpload: 0,
  send(message) {
    if (ctx.socket && ctx.socket.readyState === WebSocket.OPEN) {
      ctx.socket.send(JSON.stringify(message));
    }
  },
  /** Change one setting of the view (the server checks it and answers with the setup). */
  change(name, value) {
    ctx.send({type: "set", name, value});
  },
  action(name, args = {}) {
    ctx.send({type: "action", name, ...args});
  },
};

function openFromAddress() {
  const query = location.hash.replace(/^#/, "");
  const view = new URLSearchParams(query).get("view") || "mlp";
  ctx.send({type: "open", view: MODULES[view] ? view : "mlp", query});
}

function menu(views) {
  const nav = document.getElementById("views");
  nav.replaceChildren(...views.map((view) =>
    el("a", {href: `#view=${view.name}`, "data-view": view.name, text: view.title})));
}

function showSetup(message) {
  if (message.view !== ctx.view) {
    clearNotices();
    ctx.view = message.view;
    ctx.module = MODULES[message.view];
    root.replaceChildren();
    root.className = `view-${message.view}`;
    ctx.module.build(root, ctx, ctx.views[message.view]);
    for (const link of document.querySelectorAll("#views a")) {
      link.classList.toggle("current", link.dataset.view === message.view);
    }
  }
  ctx.generation = message.generation;
  ctx.query = message.query;
  if (location.hash.replace(/^#/, "") !== message.query) {
    history.replaceState(null, "", `#${message.query}`);
  }
  for (const problem of message.problems) notice(problem, "error");
  ctx.module.setup(message);
}

const HANDLERS = {
  hello(message) {
    ctx.session = message.session;
    ctx.maxUpload = message.max_upload_bytes;
    ctx.views = Object.fromEntries(message.views.map((view) => [view.name, view]));
    menu(message.views);
    openFromAddress();
  },
  setup: showSetup,
  frame(message) {
    if (message.view !== ctx.view || message.generation !== ctx.generation) return;
    ctx.module.frame(message);
    // the server sends the next frame once this one is drawn
    requestAnimationFrame(() => ctx.send({type: "ack"}));
  },
  detail(message) {
    ctx.module.detail?.(message);
  },
  status(message) {
    ctx.playing = message.playing;
    ctx.module?.status?.(message);
  },
  error(message) {
    notice(message.message, "error");
  },
};

function connect() {
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${protocol}//${location.host}/ws`);
  ctx.socket = socket;
  socket.onopen = () => {
    status.textContent = "connected";
    status.className = "connection connected";
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    HANDLERS[message.type]?.(message);
  };
  socket.onclose = (event) => {
    status.className = "connection closed";
    status.textContent = "disconnected";
    ctx.view = null;
    const why = event.code === 4000
      ? "This tab was idle for a long time, so the server freed its session."
      : event.code === 1013 ? `The server refused a new tab: ${event.reason}`
      : "The connection to the server is closed (was nnlearn playground stopped?).";
    const item = notice(`${why} `, "error");
    item.firstChild.append(el("button", {text: "Reconnect", onclick: () => {
      item.remove();
      connect();
    }}));
  };
}

window.addEventListener("hashchange", () => {
  if (location.hash.replace(/^#/, "") !== ctx.query) openFromAddress();
});

connect();
