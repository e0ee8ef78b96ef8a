// The submit form: every field's problems from the console's check (the stages' own parser) next to
// that field, as you type; the request is sent only when the check finds none.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const { api, el } = Console;
  const form = document.getElementById("request");
  const verdict = document.getElementById("verdict");
  let timer = null;

  function setPath(obj, path, value) {
    const parts = path.split(".");
    let o = obj;
    parts.slice(0, -1).forEach(p => { if (typeof o[p] !== "object" || o[p] === null) o[p] = {}; o = o[p]; });
    o[parts[parts.length - 1]] = value;
  }
  function deepMerge(into, from) {
    for (const [k, v] of Object.entries(from)) {
      if (v && typeof v === "object" && !Array.isArray(v) && into[k] && typeof into[k] === "object") deepMerge(into[k], v);
      else into[k] = v;
    }
    return into;
  }

  // The request as JSON text, or a problem of the "more" field when it is not a JSON object.
  function build() {
    const req = {};
    let moreProblem = null;
    const more = form.elements.more.value.trim();
    if (more) {
      try {
        const parsed = JSON.parse(more);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) deepMerge(req, parsed);
        else moreProblem = "must be a JSON object, e.g. {\"merge\": {\"dtype\": \"float16\"}}";
      } catch (e) { moreProblem = "is not JSON: " + e.message; }
    }
    for (const input of form.querySelectorAll("input[name], select[name]")) {
      const v = input.value.trim();
      if (!v) continue;
      let value = v;
      if (input.dataset.type === "number" && v !== "" && !isNaN(Number(v))) value = Number(v);
      if (input.dataset.type === "list") value = v.split(",").map(s => s.trim()).filter(Boolean);
      setPath(req, input.name, value);
    }
    return { text: JSON.stringify(req), moreProblem };
  }

  // The form field a problem's path belongs to: the field itself, the first field inside it
  // (dataset -> dataset.uri), a field it is inside (lora.targetModules[0] -> lora.targetModules), else "more".
  function fieldFor(path) {
    const names = [...form.querySelectorAll("[data-for]")].map(p => p.dataset.for).filter(n => n !== "more");
    if (!path) return "more";
    if (names.includes(path)) return path;
    const inside = names.find(n => n.startsWith(path + "."));
    if (inside) return inside;
    const outer = names.filter(n => path.startsWith(n + ".") || path.startsWith(n + "[")).sort((a, b) => b.length - a.length)[0];
    return outer || "more";
  }

  function showProblems(problems, moreProblem) {
    form.querySelectorAll("[data-for]").forEach(p => p.replaceChildren());
    form.querySelectorAll(".invalid").forEach(i => i.classList.remove("invalid"));
    const all = problems.slice();
    if (moreProblem) all.push({ field: null, message: "more fields " + moreProblem });
    for (const p of all) {
      const name = fieldFor(p.field);
      const box = form.querySelector('[data-for="' + name + '"]');
      box.append(el("span", { cls: "msg", text: p.message }), el("br"));
      const input = form.querySelector('[name="' + name + '"]');
      if (input) input.classList.add("invalid");
    }
    return all.length;
  }

  async function check() {
    const { text, moreProblem } = build();
    const r = await api("/api/requests/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: text });
    if (r.status !== 200) { verdict.textContent = "could not check the request (HTTP " + r.status + ")"; return false; }
    const n = showProblems(r.body.problems, moreProblem);
    verdict.textContent = n ? n + " problem(s): fix them to submit" : "no problem: ready to submit";
    verdict.className = n ? "error" : "muted";
    return n === 0;
  }

  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 350); });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    if (!(await check())) return;
    const r = await api("/api/requests", { method: "POST", headers: { "Content-Type": "application/json" }, body: build().text });
    if (r.status === 202) location.href = r.body.page;
    else if (r.status === 400) showProblems(r.body.problems, null);
    else verdict.textContent = "not sent: HTTP " + r.status;
  });
});
