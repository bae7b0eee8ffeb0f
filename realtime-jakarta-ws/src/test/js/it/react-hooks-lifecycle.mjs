// The hooks' lifecycle on Node (react-dom on jsdom) with a scripted WebSocket, so what a real
// socket does only now and then happens every time: React StrictMode mounting twice, a jobId that
// changes while the old socket still delivers during its close handshake (the `ws` package does),
// a subscription changed in another case, limits changed. Run by ReactHooksIT.
// Usage: node react-hooks-lifecycle.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><div id=root></div>", { url: "http://127.0.0.1/" });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.navigator ??= dom.window.navigator;
globalThis.IS_REACT_ACT_ENVIRONMENT = true;
const React = (await import("react")).default;
const { createRoot } = await import("react-dom/client");
const { useEventStream, useJobLogs, usePerformanceMetrics, useSystemStatus } = await import("@realtime/client/react");
const { act, createElement: h, StrictMode } = React;

let sockets = [];
/** A socket whose close handshake does not end by itself: it still delivers until `closed()`. */
class ScriptedSocket {
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closes = [];
    sockets.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code, reason) { this.closes.push({ code, reason }); this.readyState = 2; }
  open() { this.readyState = 1; this.onopen?.({}); }
  deliver(message) { this.onmessage?.({ data: JSON.stringify(message) }); }
  closed(code = 1006) { this.readyState = 3; this.onclose?.({ code, reason: "" }); }
}
const live = () => sockets.filter((s) => s.closes.length === 0);
const options = { baseUrl: "ws://host", WebSocket: ScriptedSocket, backoffBaseMs: 100, backoffCapMs: 100 };

async function render(element) {
  sockets = [];
  const root = createRoot(document.getElementById("root"));
  await act(async () => root.render(h(StrictMode, null, element)));
  return {
    rerender: (next) => act(async () => root.render(h(StrictMode, null, next))),
    unmount: () => act(async () => root.unmount()),
  };
}

test("StrictMode's double mount leaves one socket open, closes the other once, and subscribes once", async () => {
  let feed;
  function Feed() { feed = useEventStream({ ...options, subscribe: ["alert.*"] }); return null; }
  const view = await render(h(Feed));
  assert.equal(live().length, 1, "one socket left open");
  for (const socket of sockets.filter((s) => s.closes.length > 0)) assert.equal(socket.closes.length, 1, "closed once");
  await act(async () => live()[0].open());
  assert.equal(feed.state, "open");
  assert.deepEqual(live()[0].sent, [{ type: "subscribe", data: { events: ["alert.*"] } }]);
  const all = [...sockets];
  await view.unmount();
  assert.deepEqual(all.map((s) => s.closes.length), all.map(() => 1), "unmount closes every socket, each once");
});

test("a changed jobId shows only the new job's lines, even what the old socket delivers while it closes", async () => {
  let job;
  function Job({ jobId }) { job = useJobLogs(jobId, options); return null; }
  const view = await render(h(Job, { jobId: "job-1" }));
  const first = live()[0];
  await act(async () => {
    first.open();
    first.deliver({ type: "log", data: { level: "INFO", message: "job-1 line 1" }, seq: 1, epoch: "j1" });
  });
  assert.deepEqual(job.lines.map((l) => l.message), ["job-1 line 1"]);

  await view.rerender(h(Job, { jobId: "job-2" }));
  assert.equal(first.closes.length, 1, "the old job's socket is closed");
  await act(async () => first.deliver({ type: "log", data: { level: "INFO", message: "job-1 line 2" }, seq: 2, epoch: "j1" }));
  const second = live()[0];
  assert.equal(second.url, "ws://host/ws/jobs/job-2/logs");
  await act(async () => {
    second.open();
    second.deliver({ type: "log", data: { level: "INFO", message: "job-2 line 1" }, seq: 1, epoch: "j2" });
    first.deliver({ type: "job_end", data: { status: "failed" } });
  });
  assert.deepEqual(job.lines.map((l) => l.message), ["job-2 line 1"], "no line of job-1");
  assert.equal(job.end, null, "job-1's end is not job-2's");
  await act(async () => second.deliver({ type: "job_end", data: { status: "completed" } }));
  await act(async () => second.closed(1000));
  assert.deepEqual(job.end, { status: "completed" });
  assert.equal(job.state, "closed", "no reconnect after the end");
  await view.unmount();
});

test("a job log's backlog sent again after a reconnect shows each line once", async () => {
  let job;
  function Job() { job = useJobLogs("job-3", options); return null; }
  const view = await render(h(Job));
  const backlog = [1, 2].map((seq) => ({ type: "log", data: { level: "INFO", message: `line ${seq}` }, seq, epoch: "j3" }));
  await act(async () => { live()[0].open(); backlog.forEach((m) => live()[0].deliver(m)); });
  await act(async () => live()[0].closed(1006));
  assert.equal(job.state, "reconnecting");
  await act(() => new Promise((resolve) => setTimeout(resolve, 150)));
  await act(async () => {
    const again = live().at(-1);
    again.open();
    [...backlog, { type: "log", data: { level: "INFO", message: "line 3" }, seq: 3, epoch: "j3" }].forEach((m) => again.deliver(m));
  });
  assert.deepEqual(job.lines.map((l) => l.message), ["line 1", "line 2", "line 3"]);
  await view.unmount();
});

test("limit and history bound what is kept, also when they shrink", async () => {
  let feed;
  let perf;
  function Both({ limit, history }) {
    feed = useEventStream({ ...options, limit });
    perf = usePerformanceMetrics({ ...options, history });
    return null;
  }
  const view = await render(h(Both, { limit: 3, history: 2 }));
  const [events, system] = [live().find((s) => s.url.endsWith("/ws/events")), live().find((s) => s.url.endsWith("/ws/system"))];
  await act(async () => {
    events.open();
    system.open();
    for (let seq = 1; seq <= 5; seq++) {
      events.deliver({ type: "event", data: { n: seq }, seq, epoch: "e" });
      system.deliver({ type: "performance_update", data: { host: { cpu_percent: seq } } });
    }
  });
  assert.deepEqual(feed.events.map((e) => e.seq), [5, 4, 3]);
  assert.deepEqual(perf.history.map((u) => u.host.cpu_percent), [4, 5]);
  assert.equal(perf.latest.host.cpu_percent, 5);
  await view.rerender(h(Both, { limit: 1, history: 1 }));
  assert.deepEqual(feed.events.map((e) => e.seq), [5]);
  assert.deepEqual(perf.history.map((u) => u.host.cpu_percent), [5]);
  await view.unmount();
});

test("useJobLogs keeps at most `limit` lines, also when the limit shrinks", async () => {
  let job;
  function Job({ limit }) { job = useJobLogs("job-4", { ...options, limit }); return null; }
  const view = await render(h(Job, { limit: 3 }));
  await act(async () => {
    live()[0].open();
    for (let seq = 1; seq <= 4; seq++) live()[0].deliver({ type: "log", data: { level: "INFO", message: `line ${seq}` }, seq, epoch: "j4" });
  });
  assert.deepEqual(job.lines.map((l) => l.message), ["line 2", "line 3", "line 4"]);
  await view.rerender(h(Job, { limit: 1 }));
  assert.deepEqual(job.lines.map((l) => l.message), ["line 4"]);
  await view.unmount();
});

test("useSystemStatus keeps each instance's status: a node without GPU between the GPU node's statuses never blanks the GPU", async () => {
  let system;
  function System() { system = useSystemStatus(options); return null; }
  const view = await render(h(System));
  const socket = live()[0];
  const gpuNode = (utilization) => ({
    type: "system_status",
    data: {
      gpu: { name: "H200", utilization, memory_used: 1000, memory_total: 141000, temperature: 50, power_usage: 300 },
      queues: { detection_queue: 1, analysis_queue: 2, dlq_total: 0 },
      cameras: null,
      services: { yolo26: "healthy" },
      instance: "gpu-1",
    },
    timestamp: "2026-12-03T10:00:00Z",
  });
  const webNode = {
    type: "system_status",
    data: { gpu: null, queues: null, cameras: { total: 4, online: 3, offline: 1 }, services: { api: "healthy" }, instance: "web-1" },
    timestamp: "2026-12-03T10:00:01Z",
  };
  await act(async () => { socket.open(); socket.deliver(gpuNode(10)); });
  assert.equal(system.status.gpu.utilization, 10);
  for (const utilization of [20, 30]) {
    await act(async () => socket.deliver(webNode));
    assert.equal(system.status.gpu?.utilization, utilization - 10, "the web node's status keeps the GPU node's GPU");
    assert.deepEqual(system.status.queues, gpuNode(0).data.queues, "and its queues");
    assert.deepEqual(system.status.cameras, webNode.data.cameras, "the cameras only the web node reports");
    assert.deepEqual(system.status.services, { yolo26: "healthy", api: "healthy" }, "every instance's services");
    await act(async () => socket.deliver(gpuNode(utilization)));
    assert.equal(system.status.gpu.utilization, utilization);
    assert.deepEqual(system.status.cameras, webNode.data.cameras, "the GPU node's null cameras keep the web node's");
  }
  assert.deepEqual(Object.keys(system.instances).sort(), ["gpu-1", "web-1"]);
  assert.equal(system.instances["web-1"].gpu, null, "per instance: each as it reported");
  assert.equal(system.instances["gpu-1"].gpu.utilization, 30);
  await view.unmount();
});

const statusOf = (instance, gpu = null, services = {}) => ({
  type: "system_status",
  data: { gpu, queues: null, cameras: null, services, instance },
  timestamp: "2026-12-03T10:00:00Z",
});

test("useSystemStatus drops an instance not heard from for instanceTtlMs: a dead node's GPU leaves the merged view", async () => {
  let clock = 1_000;
  let system;
  function System() { system = useSystemStatus({ ...options, instanceTtlMs: 5_000, now: () => clock }); return null; }
  const view = await render(h(System));
  const socket = live()[0];
  await act(async () => { socket.open(); socket.deliver(statusOf("gpu-1", { name: "H200", utilization: 40 })); });
  assert.equal(system.status.gpu?.utilization, 40);
  clock += 5_000;
  await act(async () => socket.deliver(statusOf("web-1")));
  assert.equal(system.status.gpu?.utilization, 40, "still within the TTL");
  clock += 1;
  await act(async () => socket.deliver(statusOf("web-1")));
  assert.equal(system.status.gpu, null, "the GPU node is gone after the TTL");
  assert.deepEqual(Object.keys(system.instances), ["web-1"]);
  await view.unmount();
});

test("useSystemStatus keeps at most maxInstances, the least recently heard from dropped first; 64 by default", async () => {
  let few;
  let many;
  function System() {
    few = useSystemStatus({ ...options, maxInstances: 3 });
    many = useSystemStatus(options);
    return null;
  }
  const view = await render(h(System));
  const sockets = live();
  await act(async () => {
    for (const socket of sockets) {
      socket.open();
      for (const id of ["a", "b", "c", "a", "d"]) socket.deliver(statusOf(id, null, { [`svc-${id}`]: "healthy" }));
    }
  });
  assert.deepEqual(Object.keys(few.instances).sort(), ["a", "c", "d"], "b was heard from least recently");
  assert.deepEqual(Object.keys(few.status.services).sort(), ["svc-a", "svc-c", "svc-d"]);
  await act(async () => {
    for (const socket of sockets) for (let i = 0; i < 100; i++) socket.deliver(statusOf(`node-${i}`));
  });
  const kept = Object.keys(many.instances);
  assert.equal(kept.length, 64);
  assert.ok(kept.includes("node-99") && !kept.includes("node-35") && kept.includes("node-36"));
  await view.unmount();
});

test("useSystemStatus keeps an instance, service or model named __proto__ as a name and pollutes no prototype", async () => {
  let system;
  function System() { system = useSystemStatus(options); return null; }
  const view = await render(h(System));
  const socket = live()[0];
  await act(async () => {
    socket.open();
    socket.onmessage?.({ data: '{"type":"system_status","data":{"gpu":null,"queues":null,"cameras":null,'
      + '"services":{"__proto__":"healthy","constructor":"down"},"instance":"__proto__"}}' });
    socket.onmessage?.({ data: '{"type":"system_status","data":{"gpu":null,"queues":null,"cameras":null,'
      + '"services":{"api":"healthy"},"instance":"web-1","__proto__":{"polluted":true}}}' });
    socket.deliver({ type: "service_status", data: { service: "__proto__", status: "degraded", message: "m" } });
  });
  assert.deepEqual(Object.keys(system.instances).sort(), ["__proto__", "web-1"]);
  assert.equal(Object.getPrototypeOf(system.instances), Object.prototype);
  assert.deepEqual(Object.keys(system.status.services).sort(), ["__proto__", "api", "constructor"]);
  assert.equal(Object.getOwnPropertyDescriptor(system.status.services, "__proto__").value, "healthy");
  assert.equal(Object.getPrototypeOf(system.status.services), Object.prototype);
  assert.equal(Object.getPrototypeOf(system.status), Object.prototype, "no status section sets the prototype");
  assert.equal(system.status.polluted, undefined);
  assert.deepEqual(Object.keys(system.services), ["__proto__"]);
  assert.equal(system.degraded, true);
  assert.equal({}.polluted, undefined);
  await view.unmount();
});

test("a service_status whose data is not a notice is ignored: no crash, no 'undefined' service", async () => {
  let system;
  let events;
  function System() { system = useSystemStatus(options); return null; }
  function Events() { events = useEventStream(options); return null; }
  const view = await render(h("div", null, h(System), h(Events)));
  for (const socket of live()) {
    await act(async () => {
      socket.open();
      socket.deliver({ type: "service_status", data: null });
      socket.deliver({ type: "service_status", data: "degraded" });
      socket.deliver({ type: "service_status", data: { service: "event_broadcaster", status: "degraded" } });
    });
  }
  assert.deepEqual(Object.keys(system.services), ["event_broadcaster"]);
  assert.equal(system.degraded, true);
  assert.equal(events.degraded, true);
  await view.unmount();
});
