// The launcher's dashboard: every panel is fed by the realtime client, nothing is polled.
import { RealtimeClient } from "./realtime/realtime-client.js";

const FEED_SIZE = 100;
const SPARK_POINTS = 60;
const RISK_WINDOW = 20;

const params = new URLSearchParams(location.search);
const auth = { apiKey: params.get("api_key") ?? undefined, token: params.get("token") ?? undefined };
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
    setService(status.service, status.status);
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
  feed.insertBefore(item, positionFor(feed, envelope));
  while (feed.children.length > FEED_SIZE) {
    feed.lastElementChild.remove();
  }
  $("#event-count").textContent = String(feed.children.length);
  if (!envelope.replay) {
    showRisk(event);
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
  const list = panel.querySelector("dl");
  list.replaceChildren();
  const present = section !== null && section !== undefined;
  panel.classList.toggle("absent", !present);
  panel.dataset.status = present ? String(section.status ?? "ok") : "absent";
  if (!present) {
    rows = [["status", "not reported"]];
  }
  for (const [label, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }
  panel.dataset.updates = String(Number(panel.dataset.updates) + 1);
  const points = history.get(id) ?? [];
  if (present && typeof sparkValue === "number") {
    points.push(sparkValue);
    if (points.length > SPARK_POINTS) points.shift();
    history.set(id, points);
  }
  drawSparkline(panel.querySelector("polyline"), points);
}

function drawSparkline(line, points) {
  if (points.length === 0) {
    line.setAttribute("points", "");
    return;
  }
  const max = Math.max(...points);
  const min = Math.min(...points);
  const span = max - min || 1;
  const step = 100 / Math.max(1, points.length - 1);
  line.setAttribute(
    "points",
    points.map((v, i) => `${(i * step).toFixed(1)},${(28 - ((v - min) / span) * 26).toFixed(1)}`).join(" "));
}

function showPerformance(update) {
  const gpu = update.gpu;
  showPanel("gpu", gpu, gpu ? [
    ["model", gpu.name ?? "–"],
    ["utilization", fmt(gpu.utilization, " %")],
    ["VRAM", `${fmt(gpu.vram_used_gb)} / ${fmt(gpu.vram_total_gb)} GB`],
    ["temperature", fmt(gpu.temperature, " °C", 0)],
    ["power", fmt(gpu.power_watts, " W", 0)],
  ] : [], gpu?.utilization);
  const host = update.host;
  showPanel("host", host, host ? [
    ["CPU", fmt(host.cpu_percent, " %")],
    ["RAM", `${fmt(host.ram_used_gb)} / ${fmt(host.ram_total_gb)} GB`],
    ["disk", `${fmt(host.disk_used_gb, "", 0)} / ${fmt(host.disk_total_gb, "", 0)} GB`],
  ] : [], host?.cpu_percent);
  const postgres = update.databases?.postgresql;
  showPanel("postgres", postgres, postgres ? [
    ["status", postgres.status ?? "–"],
    ["connections", `${fmt(postgres.connections_active, "", 0)} / ${fmt(postgres.connections_max, "", 0)}`],
    ["cache hit", fmt(postgres.cache_hit_ratio, " %")],
    ["tx / min", fmt(postgres.transactions_per_min, "", 0)],
  ] : [], postgres?.connections_active);
  const redis = update.databases?.redis;
  showPanel("redis", redis, redis ? [
    ["status", redis.status ?? "–"],
    ["clients", fmt(redis.connected_clients, "", 0)],
    ["memory", fmt(redis.memory_mb, " MB")],
    ["hit ratio", fmt(redis.hit_ratio, " %")],
  ] : [], redis?.memory_mb);
  for (const [name, model] of Object.entries(update.ai_models ?? {})) {
    setService(name, model?.status ?? "unknown");
  }
  showAlerts(update.alerts ?? []);
}

function showAlerts(alerts) {
  const list = $("#alerts");
  list.replaceChildren();
  if (alerts.length === 0) {
    const none = document.createElement("li");
    none.className = "none";
    none.textContent = "none";
    list.append(none);
    return;
  }
  for (const alert of alerts) {
    const item = document.createElement("li");
    item.className = String(alert.severity ?? "warning");
    item.dataset.metric = String(alert.metric ?? "");
    item.textContent = alert.message ?? `${alert.metric}: ${alert.value}`;
    list.append(item);
  }
}

function setService(name, status) {
  const list = $("#services");
  let item = [...list.children].find((li) => li.dataset.service === name);
  if (!item) {
    item = document.createElement("li");
    item.dataset.service = name;
    const label = document.createElement("span");
    label.textContent = name;
    item.append(label);
    list.append(item);
  }
  item.dataset.status = String(status);
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
system.onSystemStatus((status) => {
  for (const [name, state] of Object.entries(status.services ?? {})) {
    setService(name, state);
  }
});
system.onPerformanceUpdate(showPerformance);
followServiceStatus(events);
followServiceStatus(system);
events.connect();
system.connect();
