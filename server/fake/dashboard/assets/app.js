// The dashboard of circleci-fake: reads the API and the fake's controls with the token the user
// gives (kept in sessionStorage), and follows a project through the server-sent events of
// /_dashboard/events.
"use strict";
(() => {
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const ui = {token: sessionStorage.getItem("circle-token") || "", control: sessionStorage.getItem("circle-control-token") || "", project: decodeURIComponent(location.hash.slice(1)), projectID: {}, insightsAt: 0, pipeline: "", job: "", snap: null, stream: null, rendered: false};

function h(tag, attrs, ...kids) {
  const el = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat(Infinity)) if (k != null) el.append(k);
  return el;
}

function say(msg, err) { const s = $("status"); s.textContent = msg; s.className = err ? "err" : ""; }

async function call(url, method, body) {
  const opt = {method: method || "GET", headers: {"Circle-Token": ui.token}};
  // The controls take circleci-fake's -control-token, when it has one, and never the API token.
  if (url.startsWith("/_fake/") && ui.control) opt.headers.Authorization = "Bearer " + ui.control;
  if (body !== undefined) { opt.body = JSON.stringify(body); opt.headers["Content-Type"] = "application/json"; }
  const r = await fetch(url, opt);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = {message: text}; }
  if (r.status === 401 && url.startsWith("/_fake/")) {
    throw new Error(`${method || "GET"} ${url}: 401: ` + (ui.control ? "the control token was refused; enter circleci-fake's -control-token under \u201cControl token\u201d."
      : "this circleci-fake was started with -control-token: enter that token under \u201cControl token\u201d to use its controls."));
  }
  if (!r.ok) throw new Error(`${method || "GET"} ${url}: ${r.status} ${(data && (data.message || data.error)) || r.statusText}`);
  return data;
}
const api = (path, method, body) => call("/api/v2" + path, method, body);
const ctl = (path, method, body) => call("/_fake/" + path, method, body);

function setControl(token) {
  ui.control = token;
  if (token) sessionStorage.setItem("circle-control-token", token); else sessionStorage.removeItem("circle-control-token");
  $("control-state").textContent = token ? "(set)" : "(none)";
  $("control").value = ""; $("control-token").value = "";
}

// act runs an action of a button or form and reports how it went.
async function act(what, fn) {
  try { const m = await fn(); say(m || what + ": done."); } catch (e) { say(e.message, true); }
}

function age(from, now) {
  let s = Math.max(0, Math.round((Date.parse(now) - Date.parse(from)) / 1000));
  if (s < 60) return s + "s";
  const m = Math.floor(s / 60); s %= 60;
  return m < 60 ? `${m}m ${s}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
const when = (t) => t ? new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "–";
const badge = (st) => h("span", {class: "badge b-" + st}, String(st).replace(/_/g, " "));

async function signIn(token) {
  ui.token = token;
  try {
    const me = await api("/me");
    sessionStorage.setItem("circle-token", token);
    $("user").textContent = "Signed in as " + me.login;
    $("login").hidden = true; $("who").hidden = false; $("control-form").hidden = false; $("app").hidden = false;
    say("");
    await loadProjects();
  } catch (e) {
    sessionStorage.removeItem("circle-token");
    ui.token = "";
    say("Sign-in failed: " + e.message, true);
  }
}

function signOut() {
  sessionStorage.removeItem("circle-token");
  ui.token = ""; stopStream(); setControl("");
  $("login").hidden = false; $("who").hidden = true; $("control-form").hidden = true; $("app").hidden = true;
  say("Signed out.");
}

async function loadProjects() {
  const list = (await call("/_dashboard/projects")).items;
  const ul = $("projects"); ul.replaceChildren();
  for (const p of list) {
    ul.append(h("li", {}, h("a", {href: "#" + p.slug, "aria-current": p.slug === ui.project ? "page" : false,
      onclick: (ev) => { ev.preventDefault(); selectProject(p.slug); }}, p.organization_name + " / " + p.name)));
  }
  if (!list.length) say("This token sees no project.");
  else selectProject(list.some((p) => p.slug === ui.project) ? ui.project : list[0].slug);
}

function selectProject(slug) {
  ui.project = slug; ui.pipeline = ""; ui.job = "";
  history.replaceState(null, "", "#" + slug);
  for (const a of $("projects").querySelectorAll("a")) {
    if (a.getAttribute("href") === "#" + slug) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  $("pipelines-h").textContent = "Pipelines of " + slug;
  $("job-panel").hidden = true; $("pipeline-panel").hidden = true;
  $("insights-body").replaceChildren(); $("webhooks").tBodies[0].replaceChildren();
  ui.seen = null; ui.projectID = {};
  follow();
}

function selectPipeline(id) { ui.pipeline = id; ui.job = ""; $("job-panel").hidden = true; follow(); }

function stopStream() { if (ui.stream) ui.stream.abort(); ui.stream = null; }

// follow (re)opens the event stream of the selected project and pipeline.
async function follow() {
  stopStream();
  const ctrl = new AbortController(); ui.stream = ctrl;
  const q = new URLSearchParams({project: ui.project});
  if (ui.pipeline) q.set("pipeline", ui.pipeline);
  try {
    const r = await fetch("/_dashboard/events?" + q, {headers: {"Circle-Token": ui.token}, signal: ctrl.signal});
    if (!r.ok) { const d = await r.json().catch(() => ({})); throw new Error(d.message || r.statusText); }
    if (ui.stream !== ctrl) return;
    const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i); buf = buf.slice(i + 2);
        let event = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (ui.stream !== ctrl) return; // a newer stream took over
        if (event === "state") render(JSON.parse(data));
        else if (event === "error") say("Live updates stopped: " + JSON.parse(data).message, true);
      }
    }
  } catch (e) {
    if (ctrl.signal.aborted || ui.stream !== ctrl) return;
    say("Live updates stopped: " + e.message, true);
    return;
  }
  if (!ctrl.signal.aborted && ui.stream === ctrl) setTimeout(() => { if (ui.stream === ctrl) follow(); }, 1000);
}

function render(snap) {
  ui.snap = snap;
  // Each state redraws the lists and graphs: keep the keyboard focus on what had it.
  const focused = document.activeElement && document.activeElement.getAttribute("data-focus");
  $("now").textContent = when(snap.now);
  $("now").setAttribute("datetime", snap.now);
  $("speed").textContent = String(snap.speed);
  renderPipelines(snap);
  renderWorkflows(snap);
  if (ui.job) renderJob(false);
  // Runs end and webhooks fire as pipelines come and the clock moves: read both again then.
  const key = snap.pipelines.map((p) => p.id).join();
  if (key !== ui.seen) { ui.seen = key; ui.insightsDue = true; refresh(); } else if (snap.now !== ui.seenNow) refresh();
  ui.seenNow = snap.now;
  if (focused) { const el = document.querySelector(`[data-focus="${CSS.escape(focused)}"]`); if (el) el.focus(); }
  if (!ui.rendered) { ui.rendered = true; performance.mark("dashboard-first-render"); }
}

function renderPipelines(snap) {
  const tb = $("pipelines").tBodies[0]; tb.replaceChildren();
  for (const p of snap.pipelines) {
    const vcs = p.vcs || {};
    const ref = vcs.tag ? "tag " + vcs.tag : (vcs.branch || "–");
    const sel = p.id === ui.pipeline;
    tb.append(h("tr", {"aria-current": sel ? "true" : false, onclick: () => selectPipeline(p.id)},
      h("td", {}, h("button", {type: "button", "data-focus": "pl-" + p.id, "aria-label": "Open pipeline " + p.number, onclick: (ev) => { ev.stopPropagation(); selectPipeline(p.id); }}, "#" + p.number)),
      h("td", {}, ref), h("td", {}, p.trigger.type + (p.trigger.actor ? " by " + p.trigger.actor.login : "")),
      h("td", {}, badge(p.state)), h("td", {}, age(p.created_at, snap.now))));
  }
  if (!snap.pipelines.length) tb.append(h("tr", {}, h("td", {colspan: 5}, "No pipelines yet: trigger one.")));
}

function renderWorkflows(snap) {
  const panel = $("pipeline-panel");
  if (!snap.pipeline) { panel.hidden = true; return; }
  const pl = snap.pipelines.find((p) => p.id === snap.pipeline);
  $("pipeline-h").textContent = "Pipeline " + (pl ? "#" + pl.number : snap.pipeline);
  panel.hidden = false;
  const box = $("workflows"); box.replaceChildren();
  if (!snap.workflows.length) box.append(h("p", {}, "No workflows ran in this pipeline."));
  for (const {workflow: wf, jobs} of snap.workflows) {
    const live = ["running", "on_hold", "failing"].includes(wf.status);
    const holds = jobs.filter((j) => j.type === "approval" && j.status === "on_hold");
    box.append(h("article", {class: "wf", "aria-label": "Workflow " + wf.name},
      h("header", {}, h("h3", {}, wf.name), badge(wf.status),
        holds.map((j) => h("button", {type: "button", class: "primary", "data-focus": "approve-" + j.id, onclick: () => approve(wf, j)}, "Approve " + j.name)),
        live ? h("button", {type: "button", "data-focus": "cancel-" + wf.id, onclick: () => act("Cancel", () => api(`/workflow/${wf.id}/cancel`, "POST").then(() => "Workflow " + wf.name + " canceled."))}, "Cancel") : null,
        live ? null : h("button", {type: "button", "data-focus": "rerun-" + wf.id, onclick: () => rerun(wf, false)}, "Rerun from start"),
        ["failed", "error", "canceled"].includes(wf.status) ? h("button", {type: "button", "data-focus": "rerunf-" + wf.id, onclick: () => rerun(wf, true)}, "Rerun from failed") : null),
      graph(wf, jobs)));
  }
}

const approve = (wf, j) => act("Approve", () => api(`/workflow/${wf.id}/approve/${j.approval_request_id}`, "POST").then(() => j.name + " approved."));
const rerun = (wf, fromFailed) => act("Rerun", () => api(`/workflow/${wf.id}/rerun`, "POST", fromFailed ? {from_failed: true} : {}).then(() => "Workflow " + wf.name + " rerun."));

// graph draws the jobs in columns by how many jobs come before them (their dependencies).
function graph(wf, jobs) {
  const byID = new Map(jobs.map((j) => [j.id, j]));
  const depth = new Map();
  const d = (j, seen) => {
    if (depth.has(j.id)) return depth.get(j.id);
    if (seen.has(j.id)) return 0;
    seen.add(j.id);
    const deps = (j.dependencies || []).filter((x) => byID.has(x));
    const v = deps.length ? 1 + Math.max(...deps.map((x) => d(byID.get(x), seen))) : 0;
    depth.set(j.id, v); return v;
  };
  const cols = [];
  for (const j of jobs) { const c = d(j, new Set()); (cols[c] = cols[c] || []).push(j); }
  const W = 150, H = 44, GX = 48, GY = 14, P = 4, pos = new Map();
  cols.forEach((col, c) => col.forEach((j, r) => pos.set(j.id, {x: P + c * (W + GX), y: P + r * (H + GY)})));
  const rows = Math.max(1, ...cols.map((c) => (c || []).length));
  const width = P * 2 + Math.max(1, cols.length) * (W + GX) - GX, height = P * 2 + rows * (H + GY) - GY;
  const svg = h("svg:svg", {viewBox: `0 0 ${width} ${height}`, width, height, role: "group", "aria-label": "Jobs of " + wf.name});
  for (const j of jobs) for (const dep of j.dependencies || []) {
    const a = pos.get(dep), b = pos.get(j.id);
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
    svg.append(h("svg:path", {class: "edge", d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`}));
  }
  for (const j of jobs) {
    const p = pos.get(j.id);
    const label = `${j.name}: ${j.status.replace(/_/g, " ")}`;
    const open = () => { ui.job = j.id; renderJob(true); for (const n of document.querySelectorAll(".node")) n.setAttribute("aria-pressed", String(n.dataset.id === j.id)); };
    svg.append(h("svg:g", {class: "node s-" + j.status, "data-id": j.id, "data-focus": "job-" + j.id, "data-name": j.name, "data-status": j.status, tabindex: 0, role: "button",
      "aria-label": label, "aria-pressed": String(ui.job === j.id), transform: `translate(${p.x},${p.y})`,
      onclick: open, onkeydown: (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } }},
      h("svg:title", {}, label),
      h("svg:rect", {width: W, height: H, rx: 6}),
      h("svg:text", {x: 10, y: 18}, j.name.length > 18 ? j.name.slice(0, 17) + "…" : j.name),
      h("svg:text", {x: 10, y: 35, class: "st"}, (j.type === "approval" ? "approval · " : "") + j.status.replace(/_/g, " "))));
  }
  return svg;
}

// renderJob shows the selected job: from the stream's jobs, and for build jobs their details,
// tests and artifacts from the API (fetched again when the job's status changes).
async function renderJob(force) {
  let wf, j;
  for (const w of (ui.snap && ui.snap.workflows) || []) { const f = w.jobs.find((x) => x.id === ui.job); if (f) { wf = w.workflow; j = f; } }
  const panel = $("job-panel"), box = $("job");
  if (!j) { panel.hidden = true; return; }
  const key = j.id + j.status;
  if (!force && box.dataset.key === key) return;
  box.dataset.key = key;
  panel.hidden = false;
  $("job-h").textContent = "Job " + j.name + (j.job_number ? " #" + j.job_number : "");
  $("outcome-job").value = j.name;
  const rows = [["Status", badge(j.status)], ["Type", j.type], ["Workflow", wf.name], ["Started", when(j.started_at)], ["Stopped", when(j.stopped_at)]];
  const parts = [];
  if (j.type === "approval" && j.status === "on_hold") parts.push(h("p", {}, h("button", {type: "button", class: "primary", onclick: () => approve(wf, j)}, "Approve " + j.name)));
  if (j.job_number) {
    const base = `/project/${ui.project}`;
    try {
      const [det, tests, arts] = await Promise.all([api(`${base}/job/${j.job_number}`), api(`${base}/${j.job_number}/tests`), api(`${base}/${j.job_number}/artifacts`)]);
      if (box.dataset.key !== key) return;
      rows.push(["Queued", when(det.queued_at)], ["Duration", j.started_at && j.stopped_at ? (Date.parse(j.stopped_at) - Date.parse(j.started_at)) / 1000 + "s" : "–"],
        ["Executor", det.executor ? det.executor.type + (det.executor.resource_class ? " · " + det.executor.resource_class : "") : "–"],
        ["Parallelism", String(det.parallelism)], ["Contexts", (det.contexts || []).map((c) => c.name).join(", ") || "–"]);
      parts.push(h("h3", {}, `Test results (${tests.items.length})`), tests.items.length ? h("table", {},
        h("thead", {}, h("tr", {}, h("th", {scope: "col"}, "Result"), h("th", {scope: "col"}, "Test"), h("th", {scope: "col"}, "Time"))),
        h("tbody", {}, tests.items.slice(0, 50).map((t) => h("tr", {}, h("td", {}, badge(t.result)), h("td", {}, `${t.classname} ${t.name}`), h("td", {}, t.run_time + "s"))))) : h("p", {}, "None."));
      parts.push(h("h3", {}, `Artifacts (${arts.items.length})`), arts.items.length ? h("ul", {}, arts.items.map((a) => h("li", {}, h("a", {href: a.url, rel: "noreferrer"}, a.path)))) : h("p", {}, "None."));
    } catch (e) { parts.push(h("p", {}, e.message)); }
  }
  box.replaceChildren(h("dl", {}, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])), ...parts);
}

// refresh reloads the webhook deliveries and the insights, one load at a time, at most every 1.5 s
// (a request made meanwhile is served by one more load after the current one); the insights, which
// may take many pages of runs, only when new pipelines came, on the button, or every 10 s.
function refresh() {
  if (ui.loading) { ui.again = true; return; }
  ui.loading = true; ui.again = false;
  const slug = ui.project;
  const insights = ui.insightsDue || Date.now() - ui.insightsAt > 10000;
  if (insights) { ui.insightsDue = false; ui.insightsAt = Date.now(); }
  Promise.allSettled([insights ? loadInsights(slug) : null, loadDeliveries(slug)]).then(() => setTimeout(() => {
    ui.loading = false;
    if (ui.again || ui.pending) refresh();
  }, 1500));
}

const dayOf = (t) => t.slice(0, 10);
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]; };
const secs = (v) => v == null ? "–" : v < 120 ? Math.round(v) + "s" : (v / 60).toFixed(1) + "m";
const pct = (v) => v == null ? "–" : Math.round(v * 100) + "%";

// loadInsights draws, for each workflow of the project, its duration (median and p95) and success
// rate by day from the Insights API: the figures of GET /insights/{slug}/workflows and the
// finished runs of GET /insights/{slug}/workflows/{name} (newest 1,000, all branches).
async function loadInsights(slug) {
  const box = $("insights-body");
  try { await drawInsights(slug, box); } catch (e) { if (slug === ui.project) box.replaceChildren(h("p", {}, "Insights: " + e.message)); }
}

async function drawInsights(slug, box) {
  const wfs = (await api(`/insights/${slug}/workflows?all-branches=true&reporting-window=last-90-days`)).items;
  const parts = [];
  for (const wf of wfs) {
    const runs = [];
    let token = "";
    for (let i = 0; i < 50; i++) {
      const page = await api(`/insights/${slug}/workflows/${encodeURIComponent(wf.name)}?all-branches=true` + (token ? "&page-token=" + encodeURIComponent(token) : ""));
      runs.push(...page.items);
      if (!page.next_page_token) break;
      token = page.next_page_token;
    }
    const days = new Map();
    for (const r of runs) {
      if (r.duration == null || r.status === "canceled") continue;
      const d = dayOf(r.created_at);
      if (!days.has(d)) days.set(d, []);
      days.get(d).push(r);
    }
    const rows = [...days.keys()].sort().map((d) => {
      const rs = days.get(d), ds = rs.map((r) => r.duration);
      return {day: d, runs: rs.length, median: q(ds, 0.5), p95: q(ds, 0.95), rate: rs.filter((r) => r.status === "success").length / rs.length};
    });
    parts.push(insightsOf(wf, rows, runs.length));
  }
  if (slug !== ui.project) return;
  box.replaceChildren(...(parts.length ? parts : [h("p", {}, "No workflow has run in the last 90 days.")]));
}

function insightsOf(wf, rows, listed) {
  const m = wf.metrics, dm = m.duration_metrics;
  const summary = `${m.total_runs} runs in the last 90 days, all branches: ${m.successful_runs} succeeded, ${m.failed_runs} failed; ` +
    `success rate ${pct(m.success_rate)}; duration median ${secs(dm.median)}, p95 ${secs(dm.p95)}.`;
  const span = rows.length ? ` From ${rows[0].day} to ${rows[rows.length - 1].day}.` : " No finished run to chart yet.";
  return h("article", {class: "ins", "aria-label": "Insights of " + wf.name, "data-workflow": wf.name},
    h("h3", {}, wf.name), h("p", {}, summary),
    h("div", {class: "charts"},
      chart("Duration by day of " + wf.name + ": median and p95." + span, rows, [["p95", "l-p95"], ["median", "l-med"]], Math.max(1, ...rows.map((r) => r.p95)), secs),
      chart("Success rate by day of " + wf.name + "." + span, rows, [["rate", "l-rate"]], 1, pct)),
    h("details", {}, h("summary", {}, `Figures by day (${rows.length} days, ${listed} runs listed)`),
      h("table", {}, h("thead", {}, h("tr", {}, ["Day", "Finished runs", "Median", "p95", "Success rate"].map((c) => h("th", {scope: "col"}, c)))),
        h("tbody", {}, rows.map((r) => h("tr", {}, h("td", {}, r.day), h("td", {}, String(r.runs)), h("td", {}, secs(r.median)), h("td", {}, secs(r.p95)), h("td", {}, pct(r.rate))))))));
}

// chart draws series of rows (one point a day) as lines on a small SVG, 0 to max upwards; the
// label is its text alternative, the table after it the figures.
function chart(label, rows, series, max, fmt) {
  const W = 280, H = 90, L = 34, B = 14, T = 6, n = rows.length;
  const x = (i) => L + (n < 2 ? (W - L) / 2 : i * (W - L - 4) / (n - 1));
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const svg = h("svg:svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": label, class: "chart"},
    h("svg:title", {}, label),
    h("svg:line", {x1: L, y1: y(0), x2: W, y2: y(0), class: "axis"}),
    h("svg:text", {x: L - 3, y: T + 8, "text-anchor": "end"}, fmt(max)),
    h("svg:text", {x: L - 3, y: y(0), "text-anchor": "end"}, fmt(0)));
  if (n) svg.append(h("svg:text", {x: L, y: H - 2}, rows[0].day.slice(5)), h("svg:text", {x: W, y: H - 2, "text-anchor": "end"}, rows[n - 1].day.slice(5)));
  for (const [key, cls] of series) {
    const pts = rows.map((r, i) => `${x(i).toFixed(1)},${y(r[key]).toFixed(1)}`);
    if (n === 1) svg.append(h("svg:circle", {cx: x(0), cy: y(rows[0][key]), r: 3, class: cls}));
    else if (n) svg.append(h("svg:polyline", {points: pts.join(" "), class: cls}));
  }
  return h("figure", {}, svg, h("figcaption", {}, series.length > 1 ? h("span", {}, h("span", {class: "k l-med"}, "median"), " ", h("span", {class: "k l-p95"}, "p95")) : "success rate"));
}

// loadDeliveries lists the attempts to deliver webhooks of the project's webhooks, newest first,
// from the fake's control GET /_fake/webhook-deliveries; while some are pending it looks again.
async function loadDeliveries(slug) {
  const tb = $("webhooks").tBodies[0];
  const id = ui.projectID[slug] || (await api(`/project/${slug}`)).id;
  const hooks = (await api(`/webhook?scope-id=${id}&scope-type=project`)).items;
  if (slug !== ui.project) return;
  ui.projectID = {[slug]: id};
  ui.hooks = new Map(hooks.map((w) => [w.id, w.name]));
  let list;
  try { list = (await ctl("webhook-deliveries")).deliveries; } catch (e) {
    if (slug === ui.project) { ui.pending = false; tb.replaceChildren(h("tr", {}, h("td", {colspan: 7}, e.message))); }
    return;
  }
  if (slug !== ui.project) return;
  const mine = list.filter((d) => ui.hooks.has(d.webhook_id)).reverse();
  ui.pending = mine.some((d) => d.state === "pending");
  $("webhooks-note").textContent = mine.length > 100 ? `${mine.length} attempts; the newest 100 are listed.` : "";
  const focused = document.activeElement && document.activeElement.getAttribute("data-focus");
  tb.replaceChildren(...mine.slice(0, 100).map((d) => h("tr", {"data-id": d.id, "data-state": d.state},
    h("td", {}, d.event_type), h("td", {}, ui.hooks.get(d.webhook_id)), h("td", {}, String(d.attempt) + (d.resent ? " (resent)" : "")),
    h("td", {}, h("span", {class: "badge b-" + ({succeeded: "success", failed: "failed", pending: "running"}[d.state] || "")}, d.state)),
    h("td", {}, d.status_code ? String(d.status_code) : (d.error || "–")), h("td", {}, d.sent_at ? d.latency_ms.toFixed(1) + " ms" : "–"),
    h("td", {}, h("button", {type: "button", "data-focus": "resend-" + d.id, "aria-label": `Resend ${d.event_type} attempt ${d.attempt} to ${ui.hooks.get(d.webhook_id)}`,
      onclick: () => act("Resend", () => ctl(`webhook-deliveries/${d.id}/resend`, "POST").then((r) => { refresh(); return `Resent as attempt ${r.delivery.attempt}.`; }))}, "Resend")))));
  if (!mine.length) tb.append(h("tr", {}, h("td", {colspan: 7}, ui.hooks.size ? "No delivery yet." : "This project has no webhook.")));
  if (focused) { const el = document.querySelector(`[data-focus="${CSS.escape(focused)}"]`); if (el) el.focus(); }
}

async function trigger(ev) {
  ev.preventDefault();
  let params;
  try { params = JSON.parse($("params").value || "{}"); } catch (e) { say("Parameters are not JSON: " + e.message, true); return; }
  const kind = $("ref-kind").value, ref = $("ref").value.trim();
  await act("Trigger", async () => {
    let made;
    if (ui.project.startsWith("circleci/")) {
      const src = {[kind]: ref};
      made = await api(`/project/${ui.project}/pipeline/run`, "POST", {config: src, checkout: src, parameters: params});
    } else {
      made = await api(`/project/${ui.project}/pipeline`, "POST", {[kind]: ref, parameters: params});
    }
    selectPipeline(made.id);
    return `Pipeline #${made.number} triggered.`;
  });
}

function wire() {
  $("login").addEventListener("submit", (ev) => { ev.preventDefault(); if ($("control").value.trim()) setControl($("control").value.trim()); signIn($("token").value.trim()); });
  $("control-form").addEventListener("submit", (ev) => { ev.preventDefault(); setControl($("control-token").value.trim()); say(ui.control ? "Control token saved for this browser session." : "Control token cleared."); });
  $("refresh").addEventListener("click", () => { ui.insightsDue = true; refresh(); });
  setControl(ui.control);
  $("logout").addEventListener("click", signOut);
  $("trigger").addEventListener("submit", trigger);
  $("advance").addEventListener("submit", (ev) => { ev.preventDefault(); act("Advance", () => ctl("clock/advance", "POST", {duration: $("advance-d").value.trim()}).then((r) => "Clock at " + when(r.now) + ".")); });
  $("set-speed").addEventListener("submit", (ev) => { ev.preventDefault(); act("Speed", () => ctl("clock/speed", "POST", {speed: Number($("speed-v").value)}).then((r) => "Clock speed " + r.speed + ".")); });
  $("outcome").addEventListener("submit", (ev) => { ev.preventDefault(); act("Outcome", () => ctl("job-outcome", "POST", {project: ui.project, job: $("outcome-job").value.trim(), outcome: $("outcome-v").value}).then((r) => r.message)); });
  $("fault").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = {status: Number($("fault-status").value), count: Number($("fault-count").value)};
    if ($("fault-method").value.trim()) f.method = $("fault-method").value.trim().toUpperCase();
    if ($("fault-path").value.trim()) f.path = $("fault-path").value.trim();
    act("Fault", () => ctl("faults", "POST", f).then((r) => r.message));
  });
  $("clear-faults").addEventListener("click", () => act("Clear", () => ctl("faults", "DELETE").then((r) => r.message)));
  $("reset").addEventListener("click", () => act("Reset", async () => { stopStream(); const r = await ctl("reset", "POST"); ui.project = ""; await loadProjects(); return r.message; }));
  if (ui.token) signIn(ui.token);
}
wire();
})();
