// The run page: its stages, a live progress bar and loss curve (server-sent events fed by
// lora.training.progress), the dataset's curation counts, the base-vs-tuned table with standard errors
// and the report's charts, the merge's verification, the files with download links, and the failure.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const { api, stream, el, fmt, int, mib, badge } = Console;
  const id = Console.param("id");
  document.getElementById("run-id").textContent = id;
  let filesKnown = null;
  let filesAsked = 0;

  const rows = (table, pairs) => document.querySelector("#" + table + " tbody").replaceChildren(
    ...pairs.filter(p => p[1] !== null && p[1] !== undefined).map(([k, v]) => el("tr", {}, el("th", { text: k }), el("td", { cls: "num", text: v }))));

  function lossCurve(points) {
    const svg = document.getElementById("loss");
    const ns = "http://www.w3.org/2000/svg";
    svg.replaceChildren();
    if (!points.length) return;
    const W = 600, H = 220, L = 44, B = 24, T = 8, R = 8;
    const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1), y0 = Math.min(...ys, 0), y1 = Math.max(...ys) * 1.05 || 1;
    const X = x => L + (x - x0) / (x1 - x0) * (W - L - R), Y = y => H - B - (y - y0) / (y1 - y0) * (H - B - T);
    const make = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; };
    svg.append(make("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }), make("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
    for (const [v, y] of [[y1, Y(y1)], [(y0 + y1) / 2, Y((y0 + y1) / 2)], [y0, Y(y0)]]) {
      const t = make("text", { x: L - 4, y: y + 4, "text-anchor": "end" }); t.textContent = v.toFixed(2); svg.append(t);
    }
    for (const [v, x, anchor] of [[x0, X(x0), "start"], [x1, X(x1), "end"]]) {
      const t = make("text", { x, y: H - 6, "text-anchor": anchor }); t.textContent = "step " + Math.round(v); svg.append(t);
    }
    svg.append(make("polyline", { class: "curve", points: points.map(p => X(p[0]).toFixed(1) + "," + Y(p[1]).toFixed(1)).join(" ") }));
  }

  function show(run) {
    const state = document.getElementById("state");
    state.replaceChildren(badge(run.state));
    document.getElementById("stages").replaceChildren(...Object.entries(run.stages).map(([s, st]) =>
      el("li", { "data-stage": s }, s + " ", badge(st))));

    const p = run.progress;
    const bar = document.getElementById("progress");
    if (p) {
      const done = run.stages.training === "done";
      bar.value = done ? 1 : p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
      bar.setAttribute("data-step", done ? p.totalSteps : p.step);
      document.getElementById("progress-text").textContent = "step " + p.step + " of " + p.totalSteps +
        ", loss " + fmt(p.loss) + ", " + int(Math.round(p.tokensPerSecond)) + " tok/s" +
        (done ? "" : ", about " + Math.round(p.etaMs / 1000) + " s left") + (p.memory ? ", RSS " + mib(p.memory.rssBytes) : "");
    } else if (run.stages.training === "done") {
      bar.value = 1;
    }
    lossCurve(run.loss || []);
    const t = run.training && run.training.metrics;
    rows("training", t ? [["train loss", fmt(t.trainLoss)], ["validation loss", fmt(t.validationLoss)],
      ["train tokens", int(t.trainTokens)], ["duration", (t.durationMs / 1000).toFixed(1) + " s"],
      ["tokens/s", int(Math.round(t.tokensPerSecond))], ["peak RSS", mib(t.peakRssBytes)],
      ["trainable parameters", int(t.trainableParameters) + " of " + int(t.totalParameters)]] : []);

    const m = run.dataset && run.dataset.manifest;
    rows("dataset", m ? [["records in", int(m.recordsIn)], ["records out", int(m.recordsOut)],
      ...Object.entries(m.dropped || {}).map(([k, v]) => ["dropped: " + k, int(v)]),
      ["exact duplicates", int(m.duplicatesExact)], ["near duplicates", int(m.duplicatesNear)],
      ["train examples", int(m.trainExamples)], ["validation examples", int(m.validationExamples)],
      ["train tokens", int(m.trainTokens)], ["longest sequence", int(m.maxSequenceLength)], ["template", m.template]] : []);

    document.querySelector("#evaluation tbody").replaceChildren(...(run.evaluation || []).map(r => el("tr", { "data-task": r.task, "data-metric": r.metric },
      el("td", { text: r.task + (r.count !== null ? " (n=" + r.count + ")" : "") }), el("td", { text: r.metric }),
      el("td", { cls: "num", text: fmt(r.base) + (r.baseStderr !== null ? " ± " + fmt(r.baseStderr) : "") }),
      el("td", { cls: "num", text: fmt(r.tuned) + (r.tunedStderr !== null ? " ± " + fmt(r.tunedStderr) : "") }),
      el("td", { cls: "num", text: r.difference === null ? "–" : (r.difference >= 0 ? "+" : "") + fmt(r.difference) }),
      el("td", { cls: "muted", text: r.beyondTwoStderr ? "beyond 2 standard errors" : "" }))));

    const g = run.merge;
    rows("merge", g ? (g.merged === false ? [["merged", "no: " + (g.reason || "")]] : [["model", g.modelUri], ["dtype", g.dtype],
      ["files", int((g.files || []).length)], ["bytes", mib((g.files || []).reduce((a, f) => a + f.bytes, 0))],
      ["max |logit difference| vs base + adapter", g.verification ? g.verification.maxAbsLogitDiff.toExponential(2) : null],
      ["QLoRA base: max |logit difference|", g.verification && g.verification.quantizedBaseMaxAbsLogitDiff != null ? g.verification.quantizedBaseMaxAbsLogitDiff.toExponential(2) : null]]) : []);

    const f = run.failure;
    document.getElementById("failure").hidden = !f || run.state !== "failed";
    if (f) {
      document.getElementById("failure-message").textContent = (f.stage || "") + ": " + (f.error ? f.error.code + ": " + f.error.message : "") + (f.retriable ? " (retriable)" : "");
      document.getElementById("failure-problems").replaceChildren(...(f.problems || []).map(p => el("li", { text: p })));
    }
    // the files change when a stage publishes: list them again when a stage's state changes
    const published = run.state + ":" + Object.values(run.stages).join(",");
    if (published !== filesKnown) { filesKnown = published; loadFiles(); }
  }

  async function loadFiles() {
    const mine = ++filesAsked;
    const r = await api("/api/runs/" + encodeURIComponent(id));
    if (r.status !== 200 || mine !== filesAsked) return; // a later call answers
    const files = r.body.files;
    const box = document.getElementById("files");
    if (!files.length) return;
    box.classList.remove("muted");
    const groups = {};
    files.forEach(f => (groups[f.folder] = groups[f.folder] || []).push(f));
    box.replaceChildren(...Object.entries(groups).map(([folder, fs]) => el("p", {}, el("strong", { text: folder + "/ " }),
      ...fs.flatMap(f => [el("a", { href: f.link, download: f.path, "data-path": folder + "/" + f.path, title: int(f.size) + " bytes" , text: f.path }), " "]))));
    document.getElementById("charts").replaceChildren(...files.filter(f => f.folder === "eval" && f.path.endsWith(".svg"))
      .map(f => el("img", { cls: "chart", src: f.link, alt: f.path, "data-chart": f.path })));
  }

  async function follow() {
    const first = await api("/api/runs/" + encodeURIComponent(id));
    if (first.status === 404) { document.getElementById("missing").textContent = "No run " + id + " (yet): waiting for its first event."; }
    for (;;) {
      try {
        await stream("/api/runs/" + encodeURIComponent(id) + "/events", run => {
          document.getElementById("missing").textContent = "";
          show(run);
        });
      } catch (e) {
        // not there yet, or the stream broke: show the run as it is now, then open a new stream
        const now = await api("/api/runs/" + encodeURIComponent(id));
        if (now.status === 200) { document.getElementById("missing").textContent = ""; show(now.body.run); }
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  follow();
});
