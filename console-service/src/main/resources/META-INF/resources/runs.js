// The runs list: newest first, filtered by id/base model and state, refreshed every 3 s.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const { api, el, badge } = Console;
  const tbody = document.querySelector("#runs tbody");
  const q = document.getElementById("filter");
  const state = document.getElementById("state-filter");
  q.value = Console.param("q") || "";
  state.value = Console.param("state") || "";

  async function refresh() {
    const params = new URLSearchParams();
    if (q.value.trim()) params.set("q", q.value.trim());
    if (state.value) params.set("state", state.value);
    const r = await api("/api/runs?" + params);
    if (r.status !== 200) return;
    tbody.replaceChildren(...r.body.map(run => el("tr", { "data-run": run.requestId },
      el("td", {}, el("a", { href: "/run.html?id=" + encodeURIComponent(run.requestId), text: run.requestId })),
      el("td", {}, badge(run.state)),
      ...["dataset", "training", "evaluation", "merge"].map(s => el("td", {}, badge(run.stages[s]),
        s === "training" && run.trainingFraction !== null && run.stages.training === "running"
          ? " " + Math.round(run.trainingFraction * 100) + "%" : null)),
      el("td", { cls: "muted", text: run.baseModel || "" }),
      el("td", { cls: "muted", text: run.updated ? new Date(run.updated).toLocaleString() : "" }))));
    document.getElementById("empty").textContent = r.body.length ? "" : "No runs match.";
  }
  q.addEventListener("input", refresh);
  state.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 3000);
});
