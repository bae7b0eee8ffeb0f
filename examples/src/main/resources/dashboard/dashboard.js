// The launcher's dashboard: every live panel is fed by the realtime client; only the history charts
// are fetched (GET /api/performance/history), on load, on a range switch and every 15 s.
import { RealtimeClient } from "./realtime/realtime-client.js";

const FEED_SIZE = 100;
const SPARK_POINTS = 60;
const RISK_WINDOW = 20;
// With several instances, /ws/system carries each one's system_status and performance_update in
// turn (a web node without GPU, then the GPU node): a section one of them leaves out (null, or an
// empty list) keeps what another reported within this long, and an instance is listed as long.
const KEEP_MS = 30000;
const HISTORY_REFRESH_MS = 15000;
// A history request not answered within this long is abandoned, so that requests never pile up.
const HISTORY_TIMEOUT_MS = 10000;
const HISTORY_SPANS_MS = { "5m": 300000, "15m": 900000, "60m": 3600000 };
// At most this many instances are listed (and merged): the least recently heard from goes first.
const MAX_INSTANCES = 64;

const params = new URLSearchParams(location.search);
const auth = { apiKey: params.get("api_key") ?? undefined, token: params.get("token") ?? undefined };
// The history endpoint asks for the same credentials as the WebSockets; they go in headers, so
// no proxy's access log records them in a URL.
const historyAuth = {};
if (auth.apiKey !== undefined) historyAuth["X-API-Key"] = auth.apiKey;
if (auth.token !== undefined) historyAuth.Authorization = `Bearer ${auth.token}`;
const wsBase = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;

const $ = (selector) => document.querySelector(selector);

// ---- connection state and degraded mode ---------------------------------------------------

const events = new RealtimeClient(`${wsBase}/ws/events`, auth);
const system = new RealtimeClient(`${wsBase}/ws/system`, { ...auth, resyncChannel: null });
const degraded = new Map(); // service name -> notice message, per broadcaster

const closeDetails = new Map(); // client -> why its connection is not open, shown next to the state

function showConnectionState() {
  const states = [events.state, system.state];
  const state = states.every((s) => s === "open")
    ? "open"
    : states.includes("closed") ? "closed" : states.includes("reconnecting") ? "reconnecting" : "connecting";
  const element = $("#connection-state");
  element.dataset.state = state;
  element.textContent = { open: "connected", closed: "disconnected" }[state] ?? state;
  $("#connection-detail").textContent = [...new Set(closeDetails.values())].join("; ");
}

// "1008 Invalid API key", "1013 Too many connections, retry in 3 s": what the client was told.
function describeClose(state, detail) {
  if (state === "open") return null;
  const parts = [];
  if (detail.code !== undefined) parts.push([detail.code, detail.reason].filter(Boolean).join(" "));
  if (typeof detail.retryInMs === "number") parts.push(`retry in ${Math.ceil(detail.retryInMs / 1000)} s`);
  return parts.length > 0 ? parts.join(", ") : null;
}

function showDegraded() {
  const banner = $("#degraded-banner");
  banner.hidden = degraded.size === 0;
  $("#degraded-text").textContent = [...degraded.values()].join(" ");
}

function followServiceStatus(client) {
  client.onServiceStatus((status) => {
    if (status.status === "degraded") {
      degraded.set(status.service, status.message);
    } else {
      degraded.delete(status.service);
    }
    showDegraded();
    broadcasterServices.set(String(status.service), status.status);
    showServices();
  });
  client.onStateChange((state, detail) => {
    const described = describeClose(state, detail ?? {});
    if (described !== null) {
      closeDetails.set(client, described);
    } else if (state === "open") {
      closeDetails.delete(client);
    }
    if (state === "open") {
      // A degraded server says so again to every new connection.
      const service = client === events ? "event_broadcaster" : "system_broadcaster";
      degraded.delete(service);
      showDegraded();
    }
    showConnectionState();
  });
}

// ---- event feed and risk gauge -------------------------------------------------------------

const recentScores = [];

function addEvent(event, envelope) {
  const feed = $("#event-feed");
  const item = document.createElement("li");
  const level = String(event.risk_level ?? "low").toLowerCase();
  item.className = `risk-${level}`;
  item.dataset.risk = level;
  item.dataset.eventId = String(event.event_id ?? event.id ?? "");
  if (typeof envelope.seq === "number") {
    item.dataset.seq = String(envelope.seq);
    item.dataset.epoch = String(envelope.epoch ?? "");
  }
  for (const [cls, text] of [
    ["score", `${event.risk_score ?? "?"}`],
    ["camera", event.camera_id ?? ""],
    ["summary", event.summary ?? ""],
  ]) {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    item.append(span);
  }
  const meta = document.createElement("span");
  meta.className = "meta";
  const levelLabel = document.createElement("span");
  levelLabel.className = "level";
  levelLabel.textContent = level;
  meta.append(levelLabel, timeElement(eventTime(event, envelope)));
  item.append(meta);
  feed.insertBefore(item, positionFor(feed, envelope));
  while (feed.children.length > FEED_SIZE) {
    feed.lastElementChild.remove();
  }
  $("#event-count").textContent = String(feed.children.length);
  if (!envelope.replay) {
    showRisk(event);
  }
}

// When the event happened: its started_at, else the message's timestamp, else when it arrived.
function eventTime(event, envelope) {
  for (const candidate of [event.started_at, envelope.timestamp]) {
    if (typeof candidate === "string" && Number.isFinite(Date.parse(candidate))) return candidate;
  }
  return new Date().toISOString();
}

// "12 s ago", the exact time in the title (shown on hover).
function timeElement(iso) {
  const time = document.createElement("time");
  time.dateTime = iso;
  time.title = iso;
  time.textContent = relative(Date.parse(iso));
  return time;
}

function relative(millis, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - millis) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return `${Math.floor(seconds / 3600)} h ago`;
}

function refreshRelativeTimes() {
  for (const time of document.querySelectorAll("time[datetime]")) {
    time.textContent = relative(Date.parse(time.dateTime));
  }
}

// Newest first; a replayed event goes where its seq belongs, not on top. Events of an older
// epoch (the stream restarted) are all older than any of the current one.
function positionFor(feed, envelope) {
  if (typeof envelope.seq !== "number" || !envelope.replay) return feed.firstElementChild;
  const epoch = String(envelope.epoch ?? "");
  for (const item of feed.children) {
    if (item.dataset.seq === undefined) continue;
    if (item.dataset.epoch !== epoch || Number(item.dataset.seq) < envelope.seq) return item;
  }
  return null;
}

function showRisk(event) {
  const score = Number(event.risk_score);
  if (!Number.isFinite(score)) return;
  recentScores.push(score);
  if (recentScores.length > RISK_WINDOW) recentScores.shift();
  const level = String(event.risk_level ?? "").toLowerCase();
  $("#risk-gauge").dataset.level = level;
  $("#risk-gauge-value").setAttribute("stroke-dasharray", `${Math.max(0, Math.min(100, score))} 100`);
  $("#risk-gauge-score").textContent = String(score);
  $("#risk-gauge-level").textContent = level;
  const average = recentScores.reduce((a, b) => a + b, 0) / recentScores.length;
  $("#risk-average").textContent = average.toFixed(0);
}

// ---- status panels -------------------------------------------------------------------------

const history = new Map();

function fmt(value, unit = "", digits = 1) {
  if (value === null || value === undefined) return "–";
  return typeof value === "number" ? `${value.toFixed(digits).replace(/\.0+$/, "")}${unit}` : String(value);
}

function showPanel(id, section, rows, sparkValue) {
  const panel = $(`#panel-${id}`);
  const present = section !== null && section !== undefined;
  panel.classList.toggle("absent", !present);
  panel.dataset.status = present ? String(section.status ?? "ok") : "absent";
  fillList(panel.querySelector("dl"), present ? rows : [["status", "not reported"]]);
  panel.dataset.updates = String(Number(panel.dataset.updates) + 1);
  const points = history.get(id) ?? [];
  if (present && typeof sparkValue === "number") {
    points.push(sparkValue);
    if (points.length > SPARK_POINTS) points.shift();
    history.set(id, points);
  }
  const line = panel.querySelector("polyline");
  if (line) drawChart(line, points);
}

// The latest non-empty value of a section, kept KEEP_MS: another instance's null or empty one
// does not replace it. Returns the value to show and whether this update reported it.
const kept = new Map();

// Forgets what no update has reported for KEEP_MS, so that kept never grows past what is live.
function forgetExpired(now) {
  for (const [name, entry] of kept) {
    if (now - entry.at > KEEP_MS) kept.delete(name);
  }
}

function keep(name, value, now = Date.now()) {
  const reported = value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)
    && !(typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
  if (reported) {
    kept.set(name, { value, at: now });
    return { value, fresh: true };
  }
  const previous = kept.get(name);
  return previous && now - previous.at <= KEEP_MS ? { value: previous.value, fresh: false } : { value, fresh: false };
}

function showPerformance(update) {
  const now = Date.now();
  forgetExpired(now);
  const { value: gpu, fresh: gpuFresh } = keep("gpu", update.gpu, now);
  showPanel("gpu", gpu, gpu ? [
    ["model", gpu.name ?? "–"],
    ["utilization", fmt(gpu.utilization, " %")],
    ["VRAM", `${fmt(gpu.vram_used_gb)} / ${fmt(gpu.vram_total_gb)} GB`],
    ["temperature", fmt(gpu.temperature, " °C", 0)],
    ["power", fmt(gpu.power_watts, " W", 0)],
  ] : [], gpuFresh ? gpu?.utilization : undefined);
  const { value: host, fresh: hostFresh } = keep("host", update.host, now);
  showPanel("host", host, host ? [
    ["CPU", fmt(host.cpu_percent, " %")],
    ["RAM", `${fmt(host.ram_used_gb)} / ${fmt(host.ram_total_gb)} GB`],
    ["disk", `${fmt(host.disk_used_gb, "", 0)} / ${fmt(host.disk_total_gb, "", 0)} GB`],
  ] : [], hostFresh ? host?.cpu_percent : undefined);
  const { value: postgres, fresh: postgresFresh } = keep("postgres", update.databases?.postgresql, now);
  showPanel("postgres", postgres, postgres ? [
    ["status", postgres.status ?? "–"],
    ["connections", `${fmt(postgres.connections_active, "", 0)} / ${fmt(postgres.connections_max, "", 0)}`],
    ["cache hit", fmt(postgres.cache_hit_ratio, " %")],
    ["tx / min", fmt(postgres.transactions_per_min, "", 0)],
  ] : [], postgresFresh ? postgres?.connections_active : undefined);
  const { value: redis, fresh: redisFresh } = keep("redis", update.databases?.redis, now);
  showPanel("redis", redis, redis ? [
    ["status", redis.status ?? "–"],
    ["clients", fmt(redis.connected_clients, "", 0)],
    ["memory", fmt(redis.memory_mb, " MB")],
    ["hit ratio", fmt(redis.hit_ratio, " %")],
  ] : [], redisFresh ? redis?.memory_mb : undefined);
  showInference(keep("inference", update.inference, now).value);
  const models = new Map(); // model name -> its latest metrics; a Map, so "__proto__" is a name
  const reportedModels = update.ai_models !== null && typeof update.ai_models === "object" ? update.ai_models : {};
  for (const [name, model] of Object.entries(reportedModels)) {
    models.set(name, keep(`model:${name}`, model, now).value);
  }
  for (const [key, entry] of kept) {
    const name = key.startsWith("model:") ? key.slice(6) : null;
    if (name !== null && !models.has(name)) models.set(name, entry.value);
  }
  const llm = keep("nemotron", update.nemotron, now).value;
  if (llm) models.set("nemotron", { ...llm, ...models.get("nemotron") });
  showModels(models);
  modelServices = new Map([...models].map(([name, model]) => [name, model?.status ?? "unknown"]));
  showServices();
  const containers = keep("containers", update.containers, now).value ?? [];
  showContainers(containers);
  // performance_update names no instance: each alert is kept until no update has reported it for
  // KEEP_MS, so that another instance's empty list does not wipe it.
  for (const alert of Array.isArray(update.alerts) ? update.alerts : []) {
    if (alert !== null && typeof alert === "object") keep(alertKey(alert), alert, now);
  }
  showAlerts([...kept].filter(([key]) => key.startsWith("alert:")).map(([, entry]) => entry.value));
}

// An alert's identity: its type, metric and severity (its message carries the changing value).
function alertKey(alert) {
  return `alert:${JSON.stringify([alert.type ?? null, alert.metric ?? null, alert.severity ?? null])}`;
}

function showInference(inference) {
  const panel = $("#panel-inference");
  const body = panel.querySelector("tbody");
  body.replaceChildren();
  const present = inference !== null && inference !== undefined;
  panel.dataset.status = present ? "ok" : "absent";
  panel.classList.toggle("absent", !present);
  for (const [stage, key] of [["yolo26", "yolo26_latency_ms"], ["nemotron", "nemotron_latency_ms"], ["pipeline", "pipeline_latency_ms"]]) {
    const stats = inference?.[key];
    const row = document.createElement("tr");
    row.dataset.stage = stage;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = stage;
    row.append(name);
    for (const value of [stats?.avg, stats?.p95, stats?.p99]) {
      const cell = document.createElement("td");
      cell.textContent = fmt(value, "", 0);
      row.append(cell);
    }
    body.append(row);
  }
  const throughput = inference?.throughput;
  fillList(panel.querySelector("dl"), [
    ["images / min", fmt(throughput?.images_per_min)],
    ["events / min", fmt(throughput?.events_per_min)],
  ]);
  panel.dataset.updates = String(Number(panel.dataset.updates) + 1);
}

function fillList(list, rows) {
  list.replaceChildren();
  for (const [label, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }
}

// A detector: status, VRAM, model, device; an LLM: status, slots active / total, context size.
function showModels(models) {
  const panel = $("#panel-models");
  const list = panel.querySelector("ul");
  list.replaceChildren();
  panel.dataset.status = models.size > 0 ? "ok" : "absent";
  if (models.size === 0) list.append(noneItem("not reported"));
  for (const [name, reported] of models) {
    const model = reported ?? {};
    const item = document.createElement("li");
    item.dataset.model = name;
    item.dataset.status = String(model.status ?? "unknown");
    const label = document.createElement("span");
    label.className = "name";
    label.textContent = name;
    const details = [model.status ?? "unknown"];
    if (model.vram_gb !== undefined) details.push(`${fmt(model.vram_gb, " GB", 2)} VRAM`);
    if (model.model !== undefined) details.push(String(model.model));
    if (model.device !== undefined) details.push(String(model.device));
    if (model.slots_total !== undefined) details.push(`slots ${fmt(model.slots_active, "", 0)} / ${fmt(model.slots_total, "", 0)}`);
    if (model.context_size !== undefined) details.push(`context ${fmt(model.context_size, "", 0)}`);
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = details.join(" · ");
    item.append(label, detail);
    list.append(item);
  }
  panel.dataset.updates = String(Number(panel.dataset.updates) + 1);
}

function showContainers(containers) {
  const panel = $("#panel-containers");
  const list = panel.querySelector("ul");
  list.replaceChildren();
  if (containers.length === 0) list.append(noneItem("none monitored"));
  for (const container of containers) {
    const item = document.createElement("li");
    item.dataset.container = String(container.name ?? "");
    item.dataset.status = String(container.health ?? container.status ?? "unknown");
    const label = document.createElement("span");
    label.textContent = `${container.name ?? "?"} (${container.status ?? "?"})`;
    item.append(label);
    list.append(item);
  }
  panel.dataset.updates = String(Number(panel.dataset.updates) + 1);
}

function noneItem(text) {
  const none = document.createElement("li");
  none.className = "none";
  none.textContent = text;
  return none;
}

function showAlerts(alerts) {
  const list = $("#alerts");
  list.replaceChildren();
  if (alerts.length === 0) {
    list.append(noneItem("none"));
    return;
  }
  for (const alert of alerts) {
    const item = document.createElement("li");
    const severity = String(alert.severity ?? "warning");
    item.className = severity;
    item.dataset.severity = severity;
    item.dataset.metric = String(alert.metric ?? "");
    const label = document.createElement("span");
    label.className = "severity";
    label.textContent = severity;
    item.append(label, ` ${alert.message ?? `${alert.metric}: ${alert.value}`}`);
    list.append(item);
  }
}

// ---- system status, per instance -----------------------------------------------------------

const instances = new Map(); // instance id -> { status, at }, the latest of each

function showSystemStatus(status, envelope) {
  const now = Date.now();
  const id = typeof status.instance === "string" ? status.instance : "";
  instances.delete(id);
  instances.set(id, { status, at: now, timestamp: envelope?.timestamp });
  for (const [other, entry] of instances) {
    if (now - entry.at > KEEP_MS) instances.delete(other);
  }
  // The least recently heard from first (each one is re-inserted when it speaks).
  while (instances.size > MAX_INSTANCES) instances.delete(instances.keys().next().value);
  // Merged: each section from the latest instance that reports it, services from every instance.
  const merged = { gpu: null, queues: null, cameras: null };
  const services = new Map();
  for (const { status: each } of instances.values()) {
    for (const key of ["gpu", "queues", "cameras"]) {
      if (each[key] !== null && each[key] !== undefined) merged[key] = each[key];
    }
    for (const [name, state] of serviceEntries(each)) services.set(name, state);
  }
  instanceServices = services;
  showServices();
  const queues = merged.queues;
  showPanel("queues", queues, queues ? [
    ["detection", fmt(queues.detection_queue, "", 0)],
    ["analysis", fmt(queues.analysis_queue, "", 0)],
    ["DLQ", fmt(queues.dlq_total, "", 0)],
  ] : [], queues ? Number(queues.detection_queue ?? 0) + Number(queues.analysis_queue ?? 0) : undefined);
  const cameras = merged.cameras;
  showPanel("cameras", cameras, cameras ? [
    ["online", `${fmt(cameras.online, "", 0)} / ${fmt(cameras.total, "", 0)}`],
    ["offline", fmt(cameras.offline, "", 0)],
  ] : [], undefined);
  showInstances(now);
}

function showInstances(now) {
  const list = $("#instances");
  list.replaceChildren();
  for (const [id, { status, at }] of instances) {
    const item = document.createElement("li");
    item.dataset.instance = id;
    item.dataset.gpu = status.gpu ? "present" : "none";
    const services = serviceEntries(status).map(([, state]) => state);
    const healthy = services.filter((s) => s === "healthy" || s === "running").length;
    item.dataset.status = services.length === 0 ? "no-services" : healthy === services.length ? "healthy" : "unhealthy";
    const label = document.createElement("span");
    label.textContent = `${id || "(unnamed)"}: ${status.gpu ? `${status.gpu.name ?? "GPU"} ${fmt(status.gpu.utilization, " %")}` : "no GPU"}`
      + `, ${services.length === 0 ? "no services" : `${healthy} / ${services.length} services healthy`}, ${relative(at, now)}`;
    item.append(label);
    list.append(item);
  }
}

// ---- history -------------------------------------------------------------------------------

const CHARTS = [
  ["gpu", (p) => p.gpu?.utilization, " %"],
  ["vram", (p) => p.gpu?.vram_used_gb, " GB"],
  ["temperature", (p) => p.gpu?.temperature, " °C"],
  ["cpu", (p) => p.host?.cpu_percent, " %"],
  ["p95", (p) => p.inference?.pipeline_latency_ms?.p95 ?? p.inference?.yolo26_latency_ms?.p95, " ms"],
];
let historyRange = "5m";
let historyRequests = 0;

async function loadHistory(range) {
  const request = ++historyRequests;
  const query = new URLSearchParams({ range });
  try {
    const response = await fetch(`/api/performance/history?${query}`, {
      headers: historyAuth,
      cache: "no-store",
      signal: AbortSignal.timeout(HISTORY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    if (request !== historyRequests) return; // a later switch answers
    const points = body.data?.points ?? [];
    for (const [name, read, unit] of CHARTS) {
      const figure = $(`#history-${name}`);
      const values = points.map((point) => read(point)).map((v) => (typeof v === "number" ? v : null));
      const times = points.map((point) => Date.parse(point.timestamp));
      drawChart(figure.querySelector("polyline"), values, times, HISTORY_SPANS_MS[body.data?.range ?? range]);
      const last = values.filter((v) => v !== null).at(-1);
      figure.querySelector(".last").textContent = last === undefined ? "–" : fmt(last, unit);
    }
    $("#history-state").textContent = points.length > 0
      ? `${points.length} points, from ${new Date(points[0].timestamp).toLocaleTimeString()}`
      : "no data yet";
    $("#history").dataset.range = body.data?.range ?? range;
  } catch (failure) {
    if (request === historyRequests) $("#history-state").textContent = `unavailable (${failure.message})`;
  }
}

// Like a sparkline, over the whole range: x by timestamp across the range's span, ending at the
// newest point (by position where a timestamp is missing), gaps (null) left out.
function drawChart(line, values, times = [], spanMs = undefined) {
  const present = values.filter((v) => v !== null);
  if (present.length === 0) {
    line.setAttribute("points", "");
    return;
  }
  const max = Math.max(...present);
  const min = Math.min(...present);
  const span = max - min || 1;
  const step = 100 / Math.max(1, values.length - 1);
  const end = Math.max(...times.filter(Number.isFinite));
  const timed = typeof spanMs === "number" && times.length === values.length && times.every(Number.isFinite);
  const x = (i) => (timed ? Math.max(0, 100 - ((end - times[i]) / spanMs) * 100) : i * step);
  line.setAttribute("points", values
    .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${(28 - ((v - min) / span) * 26).toFixed(1)}`))
    .filter((p) => p !== null)
    .join(" "));
}

for (const button of document.querySelectorAll("#history-ranges button")) {
  button.addEventListener("click", () => {
    historyRange = button.dataset.range;
    for (const other of document.querySelectorAll("#history-ranges button")) {
      other.setAttribute("aria-pressed", String(other === button));
    }
    loadHistory(historyRange);
  });
}

// The services list is rebuilt on each render from what is live: the broadcasters' own statuses,
// the services of the listed instances and the models of the latest update (each kept KEEP_MS).
const broadcasterServices = new Map(); // service name -> status, from service_status
let instanceServices = new Map();
let modelServices = new Map();

function serviceEntries(status) {
  const services = status.services;
  return services !== null && typeof services === "object" ? Object.entries(services) : [];
}

function showServices() {
  const list = $("#services");
  const merged = new Map([...broadcasterServices, ...instanceServices, ...modelServices]);
  list.replaceChildren();
  for (const [name, status] of merged) {
    const item = document.createElement("li");
    item.dataset.service = name;
    item.dataset.status = String(status);
    const label = document.createElement("span");
    label.textContent = name;
    item.append(label);
    list.append(item);
  }
}

// ---- job log viewer ------------------------------------------------------------------------

let job = null;

$("#job-form").addEventListener("submit", (submitted) => {
  submitted.preventDefault();
  const id = $("#job-id").value.trim();
  job?.close();
  const log = $("#job-log");
  log.textContent = "";
  job = new RealtimeClient(`${wsBase}/ws/jobs/${encodeURIComponent(id)}/logs`, { ...auth, resyncChannel: null });
  job.onLog((line) => {
    log.append(`${line.timestamp ?? ""} ${line.level ?? ""} ${line.message ?? ""}\n`);
    log.scrollTop = log.scrollHeight;
  });
  job.onJobEnd((end) => {
    log.append(`-- job ${end.status ?? "ended"} --\n`);
  });
  job.onStateChange((state, detail) => {
    $("#job-state").textContent = state === "closed" && detail.reason ? `${state}: ${detail.reason}` : state;
  });
  job.connect();
});

// ---- wiring --------------------------------------------------------------------------------

events.onEvent(addEvent);
system.onSystemStatus(showSystemStatus);
system.onPerformanceUpdate(showPerformance);
loadHistory(historyRange);
setInterval(() => loadHistory(historyRange), HISTORY_REFRESH_MS);
setInterval(refreshRelativeTimes, 5000);
followServiceStatus(events);
followServiceStatus(system);
events.connect();
system.connect();
