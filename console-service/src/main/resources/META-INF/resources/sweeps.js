// Sweeps: the list, or one sweep's table of runs and its report's charts, refreshed every 3 s while
// the sweep runs (each lora.sweep.progress carries the whole table).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const { api, el, fmt, int, mib, badge } = Console;
  const id = Console.param("id");
  const thead = document.querySelector("#sweeps thead"), tbody = document.querySelector("#sweeps tbody");
  const head = (...names) => thead.replaceChildren(el("tr", {}, ...names.map(n => el("th", { text: n }))));
  let reportShown = null;

  async function list() {
    const r = await api("/api/sweeps");
    if (r.status !== 200) return;
    head("sweep", "title", "runs", "ended", "failed", "state");
    tbody.replaceChildren(...r.body.map(s => el("tr", {},
      el("td", {}, el("a", { href: "/sweeps.html?id=" + encodeURIComponent(s.sweepId), text: s.sweepId })),
      el("td", { text: s.title }), el("td", { cls: "num", text: s.runsTotal }), el("td", { cls: "num", text: s.runsEnded }),
      el("td", { cls: "num", text: s.runsFailed }), el("td", {}, badge(s.completed ? "done" : "running")))));
    document.getElementById("summary").textContent = r.body.length ? "" : "No sweep yet (lora sweep submit).";
  }

  async function one() {
    const r = await api("/api/sweeps/" + encodeURIComponent(id));
    if (r.status !== 200) { document.getElementById("summary").textContent = "No sweep " + id + " (yet)."; return true; }
    const s = r.body.sweep;
    document.getElementById("title").textContent = "Sweep " + s.sweepId + ": " + s.title;
    document.getElementById("summary").textContent = s.runsEnded + " of " + s.runsTotal + " run(s) ended, " + s.runsFailed + " failed" + (s.completed ? "; completed" : "");
    const labels = {};
    (s.settings || []).forEach(st => labels[st.index] = st.label);
    head("n", "run", "setting", "seed", "state", "train loss", "validation loss", "peak RSS", "predicted peak", "tok/s", "time");
    tbody.replaceChildren(...s.runs.map(run => el("tr", {},
      el("td", { cls: "num", text: run.n }),
      el("td", {}, el("a", { href: "/run.html?id=" + encodeURIComponent(run.requestId), text: run.requestId })),
      el("td", { text: labels[run.setting] || run.setting }), el("td", { cls: "num", text: run.seed }),
      el("td", {}, badge(run.state === "queued" ? "queued" : run.state), run.error ? " " + run.error.code : null),
      el("td", { cls: "num", text: fmt(run.trainLoss) }), el("td", { cls: "num", text: fmt(run.validationLoss) }),
      el("td", { cls: "num", text: mib(run.peakRssBytes) }), el("td", { cls: "num", text: mib(run.estimatedPeakBytes) }),
      el("td", { cls: "num", text: run.tokensPerSecond ? int(Math.round(run.tokensPerSecond)) : "–" }),
      el("td", { cls: "num", text: run.durationMs ? (run.durationMs / 1000).toFixed(1) + " s" : "–" }))));
    const files = r.body.files;
    const stamp = files.map(f => f.path + f.sha256).join();
    if (stamp !== reportShown) {
      reportShown = stamp;
      document.getElementById("charts").replaceChildren(...files.filter(f => f.path.endsWith(".svg"))
        .map(f => el("img", { cls: "chart", src: f.link, alt: f.path, "data-chart": f.path })));
      document.getElementById("files").replaceChildren(...files.filter(f => !f.path.endsWith(".svg"))
        .map(f => el("a", { href: f.link, download: f.path, text: f.path + " " })));
    }
    return !s.completed;
  }

  async function tick() {
    const again = id ? await one() : (await list(), true);
    if (again !== false) setTimeout(tick, 3000);
  }
  tick();
});
