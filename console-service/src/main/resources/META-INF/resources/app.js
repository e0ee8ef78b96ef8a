// The console's shared script: the API key, calls to the console's own API, server-sent events read
// with fetch (so they carry the bearer token), and small DOM helpers. No external script: it works offline.
"use strict";

const Console = (() => {
  const KEY = "lora.apiKey";
  const key = () => sessionStorage.getItem(KEY) || "";
  const headers = (extra) => Object.assign(key() ? { Authorization: "Bearer " + key() } : {}, extra || {});

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = v; else if (k === "cls") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c.nodeType ? c : String(c));
    return e;
  }

  function showAuthProblem(status) {
    const box = document.getElementById("auth");
    if (box) box.textContent = status === 401
      ? "The API needs a key: paste it above (lora stack up prints where the stack's key is)."
      : status === 403 ? "This key may not do that (it needs the role admin or submit)." : "";
  }

  async function api(path, opts) {
    const o = Object.assign({}, opts || {});
    o.headers = headers(o.headers);
    const r = await fetch(path, o);
    showAuthProblem(r.status);
    let body = null;
    const text = await r.text();
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
    return { status: r.status, body };
  }

  // Server-sent events over fetch: EventSource cannot send the Authorization header.
  async function stream(path, onData, signal) {
    const r = await fetch(path, { headers: headers({ Accept: "text/event-stream" }), signal });
    showAuthProblem(r.status);
    if (!r.ok || !r.body) throw new Error("stream " + r.status);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = block.split("\n").filter(l => l.startsWith("data:")).map(l => l.slice(5).replace(/^ /, "")).join("\n");
        if (data) onData(JSON.parse(data));
      }
    }
  }

  function fmt(x, digits) {
    if (x === null || x === undefined) return "–";
    if (typeof x !== "number") return String(x);
    return x.toFixed(digits === undefined ? 4 : digits);
  }
  const int = (x) => x === null || x === undefined ? "–" : Number(x).toLocaleString("en-US");
  const mib = (b) => b === null || b === undefined ? "–" : (b / 1048576).toFixed(0) + " MiB";
  const badge = (state) => el("span", { cls: "badge s-" + state, text: state });
  const param = (name) => new URLSearchParams(location.search).get(name);

  // Every page's header (the navigation and the API key) and the line that explains an auth problem,
  // written here once rather than in each page.
  function header() {
    const bar = document.querySelector("header");
    if (!bar) return;
    const input = el("input", { id: "api-key", type: "password", autocomplete: "off", placeholder: "bearer token" });
    bar.replaceChildren(
      el("span", { cls: "brand", text: "LoRA pipeline" }),
      el("a", { href: "/", text: "Runs" }),
      el("a", { href: "/submit.html", text: "Submit" }),
      el("a", { href: "/sweeps.html", text: "Sweeps" }),
      el("label", { cls: "key" }, "API key ", input));
    const main = document.querySelector("main");
    if (main && !document.getElementById("auth")) main.prepend(el("p", { id: "auth", cls: "error" }));
  }

  function init() {
    header();
    const input = document.getElementById("api-key");
    if (!input) return;
    input.value = key();
    input.addEventListener("change", () => {
      sessionStorage.setItem(KEY, input.value.trim());
      location.reload();
    });
  }
  document.addEventListener("DOMContentLoaded", init);

  return { api, stream, el, fmt, int, mib, badge, param };
})();
