// Unit tests of realtime-client.js on Node's own test runner, with a scripted WebSocket and
// manual timers: no network, no real waiting. Run by JavaScriptClientTest (mvn test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RealtimeClient } from "../../main/resources/META-INF/resources/realtime/realtime-client.js";

class FakeSocket {
  static instances = [];
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.instances.push(this);
  }
  send(text) { this.sent.push(text); }
  close(code = 1000, reason = "") { this.serverClose(code, reason); }
  // what the server does
  open() { this.readyState = 1; this.onopen?.({}); }
  deliver(message) { this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) }); }
  serverClose(code, reason = "") { this.readyState = 3; this.onclose?.({ code, reason }); }
  sentJson() { return this.sent.map((text) => JSON.parse(text)); }
}

function manualTimers() {
  const pending = [];
  return {
    pending,
    setTimeout(fn, ms) { const t = { fn, ms }; pending.push(t); return t; },
    clearTimeout(t) { const i = pending.indexOf(t); if (i >= 0) pending.splice(i, 1); },
    runNext() { const t = pending.shift(); t.fn(); return t.ms; },
  };
}

function client(options = {}) {
  FakeSocket.instances = [];
  const timers = manualTimers();
  const c = new RealtimeClient("ws://host/ws/events", { WebSocket: FakeSocket, timers, random: () => 0.5, ...options });
  return { c, timers, socket: () => FakeSocket.instances.at(-1) };
}

const event = (seq, extra = {}) => ({ type: "event", data: { event_id: seq, risk_score: 10 }, seq, epoch: "e1", ...extra });

test("authenticates with the api-key subprotocol and the token in the query", () => {
  const { c, socket } = client({ apiKey: "k1", token: "t 2" });
  c.connect();
  assert.deepEqual(socket().protocols, ["api-key.k1"]);
  assert.equal(socket().url, "ws://host/ws/events?token=t%202");
});

test("answers pings and resyncs when the heartbeat's lastSeq is ahead", () => {
  const { c, socket } = client();
  c.connect();
  socket().open();
  socket().deliver(event(5));
  socket().deliver({ type: "ping", lastSeq: 7 });
  assert.deepEqual(socket().sentJson(), [
    { type: "pong" },
    { type: "resync", data: { channel: "events", last_sequence: 5, epoch: "e1" } },
  ]);
});

test("a gap is delivered at once, resynced, filled by the replay, and nothing twice", () => {
  const { c, socket } = client();
  const seen = [];
  const gaps = [];
  c.onEvent((data, envelope) => seen.push(envelope.seq));
  c.on("gap", (gap) => gaps.push(gap));
  c.connect();
  socket().open();
  socket().deliver(event(1));
  socket().deliver(event(4));
  assert.deepEqual(gaps, [{ from: 2, to: 3 }]);
  assert.deepEqual(socket().sentJson(), [{ type: "resync", data: { channel: "events", last_sequence: 1, epoch: "e1" } }]);
  socket().deliver(event(2, { replay: true }));
  socket().deliver(event(3, { replay: true }));
  socket().deliver(event(4, { replay: true }));
  socket().deliver({ type: "resync_ack", channel: "events", last_sequence: 1, replayed_count: 3, epoch: "e1", recovered: true });
  socket().deliver(event(5));
  socket().deliver(event(5));
  assert.deepEqual(seen, [1, 4, 2, 3, 5]);
  assert.equal(c.lastSeq, 5);
});

test("a resync the server rate-limits is asked again once the limit allows, not abandoned", () => {
  const { c, timers, socket } = client();
  c.connect();
  socket().open();
  socket().deliver(event(1));
  socket().deliver(event(4));
  socket().sent.length = 0;
  socket().deliver({
    type: "error",
    error: "rate_limited",
    message: "Too many resync requests: at most 5 per 10 s (resync_limit); try again later",
    details: { request: "resync", limit: 5, window_ms: 10000, retry_after_ms: 4000 },
  });
  assert.deepEqual(timers.pending.map((t) => t.ms), [4000]);
  socket().deliver(event(7));
  assert.deepEqual(socket().sentJson(), [], "no resync before the limit allows one");
  timers.runNext();
  assert.deepEqual(socket().sentJson(), [{ type: "resync", data: { channel: "events", last_sequence: 1, epoch: "e1" } }]);
});

test("after a reconnect it resyncs from its last seq", () => {
  const { c, timers, socket } = client();
  c.connect();
  socket().open();
  socket().deliver(event(9));
  socket().serverClose(1001, "Server shutting down");
  assert.equal(c.state, "reconnecting");
  timers.runNext();
  socket().open();
  assert.deepEqual(socket().sentJson(), [{ type: "resync", data: { channel: "events", last_sequence: 9, epoch: "e1" } }]);
});

test("reconnect delays are full jitter under a doubling ceiling with a cap", () => {
  const { c, timers, socket } = client({ backoffBaseMs: 1000, backoffCapMs: 5000, random: () => 0.999 });
  c.connect();
  const delays = [];
  for (let i = 0; i < 5; i++) {
    socket().serverClose(1006);
    delays.push(timers.runNext());
  }
  assert.deepEqual(delays, [999, 1998, 3996, 4995, 4995]);
});

test("a 1008 refusal and close() are final", () => {
  const refused = client();
  refused.c.connect();
  refused.socket().serverClose(1008, "Invalid API key");
  assert.equal(refused.c.state, "closed");
  assert.equal(refused.timers.pending.length, 0);

  const closed = client();
  closed.c.connect();
  closed.socket().open();
  closed.c.close();
  assert.equal(closed.c.state, "closed");
  assert.equal(closed.timers.pending.length, 0);
});

test("a new epoch restarts the offsets instead of dropping everything as duplicates", () => {
  const { c, socket } = client();
  const seen = [];
  c.onEvent((data, envelope) => seen.push(`${envelope.epoch}:${envelope.seq}`));
  c.connect();
  socket().open();
  socket().deliver(event(40));
  socket().deliver(event(1, { epoch: "e2" }));
  socket().deliver(event(2, { epoch: "e2" }));
  assert.deepEqual(seen, ["e1:40", "e2:1", "e2:2"]);
});

test("typed callbacks: one failing listener does not stop the others, and the failure is reported", () => {
  const failures = [];
  const { c, socket } = client({ resyncChannel: null, onListenerError: (type, error) => failures.push([type, error.message]) });
  const statuses = [];
  c.onServiceStatus(() => { throw new Error("boom"); });
  c.onServiceStatus((status) => statuses.push(status.status));
  c.connect();
  socket().open();
  socket().deliver({ type: "service_status", data: { service: "event_broadcaster", status: "degraded", message: "m" } });
  assert.deepEqual(statuses, ["degraded"]);
  assert.deepEqual(failures, [["service_status", "boom"]]);
});

test("after job_end the client does not reconnect", () => {
  const { c, timers, socket } = client({ resyncChannel: null });
  const lines = [];
  c.onLog((line) => lines.push(line.message));
  c.connect();
  socket().open();
  socket().deliver({ type: "log", data: { message: "hello" }, seq: 1, epoch: "j" });
  socket().deliver({ type: "job_end", data: { status: "completed" } });
  socket().serverClose(1000, "Job finished");
  assert.deepEqual(lines, ["hello"]);
  assert.equal(c.state, "closed");
  assert.equal(timers.pending.length, 0);
});

test("bad arguments are refused with the bad value named", () => {
  assert.throws(() => new RealtimeClient("http://x", { WebSocket: FakeSocket }), /ws:\/\/ or wss:\/\/ URL, got http:\/\/x/);
  assert.throws(() => new RealtimeClient("ws://x", { WebSocket: FakeSocket, backoffBaseMs: 0 }), /got 0, 30000/);
});

// ---- closes: which ones retry, how soon, and what the app is told ----------------------------

/** Opens, then lets the server close with `code`; returns the reconnect delay it scheduled. */
function refuse(harness, code, reason) {
  harness.socket().open();
  harness.socket().serverClose(code, reason);
  return harness.timers.runNext();
}

function recordStates(c) {
  const states = [];
  c.onStateChange((state, detail) => states.push({ state, ...detail }));
  return states;
}

test("a 1013 refusal retries after a minimum that grows with each refusal in a row, jittered under the cap", () => {
  const low = client({ random: () => 0 });
  low.c.connect();
  const floors = [];
  for (let i = 0; i < 6; i++) floors.push(refuse(low, 1013, "Too many connections"));
  assert.deepEqual(floors, [1000, 2000, 4000, 8000, 15000, 15000]);

  const high = client({ random: () => 0.999 });
  high.c.connect();
  const ceilings = [];
  for (let i = 0; i < 6; i++) ceilings.push(refuse(high, 1013, "Server at connection limit"));
  assert.deepEqual(ceilings, [1999, 3998, 7996, 15992, 29985, 29985]);
});

test("a 1013 refusal says why: state reconnecting with the code, the reason and the delay", () => {
  const harness = client({ random: () => 0 });
  const states = recordStates(harness.c);
  harness.c.connect();
  harness.socket().open();
  harness.socket().serverClose(1013, "Too many connections");
  assert.equal(harness.c.state, "reconnecting");
  assert.deepEqual(states.at(-1), { state: "reconnecting", code: 1013, reason: "Too many connections", retryInMs: 1000 });
  assert.deepEqual(harness.c.lastClose, { code: 1013, reason: "Too many connections" });
  assert.equal(harness.timers.pending.length, 1);
});

test("with backoffBaseMs equal to backoffCapMs a refusal waits exactly the base", () => {
  const harness = client({ backoffBaseMs: 500, backoffCapMs: 500, random: () => 0.7 });
  harness.c.connect();
  assert.deepEqual([1, 2, 3].map(() => refuse(harness, 1013, "Too many connections")), [500, 500, 500]);
});

test("the refusal streak ends with a message from the server or another close", () => {
  const harness = client({ random: () => 0 });
  harness.c.connect();
  assert.equal(refuse(harness, 1013, "Too many connections"), 1000);
  assert.equal(refuse(harness, 1013, "Too many connections"), 2000);
  harness.socket().open();
  harness.socket().deliver({ type: "ping" }); // accepted: the server talks to it
  harness.socket().serverClose(1013, "slow consumer");
  assert.equal(harness.timers.runNext(), 1000);
  assert.equal(refuse(harness, 1013, "Too many connections"), 2000);
  assert.equal(refuse(harness, 1011, "Internal error"), 0, "full jitter from zero, as before");
  assert.equal(refuse(harness, 1013, "Too many connections"), 1000);
});

test("1003, 1007 and 1009 (the server could not take what was sent) retry after the same minimum", () => {
  for (const code of [1003, 1007, 1009]) {
    const harness = client({ random: () => 0 });
    const states = recordStates(harness.c);
    harness.c.connect();
    assert.deepEqual([refuse(harness, code, "bad data"), refuse(harness, code, "bad data")], [1000, 2000], `code ${code}`);
    assert.equal(states.at(-1).state, "reconnecting");
  }
});

test("refusals for load never use up maxAttempts; attempts that never open do", () => {
  const refused = client({ maxAttempts: 2, random: () => 0 });
  refused.c.connect();
  for (let i = 0; i < 5; i++) refuse(refused, 1013, "Too many connections");
  assert.equal(refused.c.state, "reconnecting");
  assert.equal(refused.timers.pending.length, 0, "runNext took the last one");

  const unreachable = client({ maxAttempts: 2 });
  const states = recordStates(unreachable.c);
  unreachable.c.connect();
  unreachable.socket().serverClose(1006);
  unreachable.timers.runNext();
  unreachable.socket().serverClose(1006);
  unreachable.timers.runNext();
  unreachable.socket().serverClose(1006);
  assert.equal(unreachable.c.state, "closed");
  assert.equal(states.at(-1).reason, "gave up after 2 attempts");
  assert.equal(unreachable.timers.pending.length, 0);
});

test("a 1008 refusal is final and the app is told the code and the reason", () => {
  const harness = client();
  const states = recordStates(harness.c);
  harness.c.connect();
  harness.socket().open();
  harness.socket().serverClose(1008, "Invalid API key");
  assert.deepEqual(states.at(-1), { state: "closed", code: 1008, reason: "Invalid API key" });
  assert.deepEqual(harness.c.lastClose, { code: 1008, reason: "Invalid API key" });
  assert.equal(harness.timers.pending.length, 0);
});

test("1000, 1001, 1006 and 1011 keep retrying with full jitter from zero, as before", () => {
  for (const [code, reason] of [[1000, "Idle timeout"], [1001, "Server shutting down"], [1006, ""], [1011, "Internal error"]]) {
    const harness = client({ random: () => 0.5 });
    const states = recordStates(harness.c);
    harness.c.connect();
    assert.equal(refuse(harness, code, reason), 500, `code ${code}`);
    assert.deepEqual(states.find((s) => s.code === code), { state: "reconnecting", code, reason, retryInMs: 500 });
  }
});

test("connect() after close() starts with a fresh backoff", () => {
  const harness = client({ random: () => 0 });
  harness.c.connect();
  refuse(harness, 1013, "Too many connections");
  refuse(harness, 1013, "Too many connections");
  harness.c.close();
  harness.c.connect();
  assert.equal(refuse(harness, 1013, "Too many connections"), 1000);
});

// ---- subscriptions: remembered, sent on open, restored before the resync ----------------------

test("subscribe before the socket is open is sent on open", () => {
  const { c, socket } = client();
  c.connect();
  assert.equal(c.subscribe(["alert.*"]), false, "not sent yet: the socket is connecting");
  assert.deepEqual(socket().sentJson(), []);
  socket().open();
  assert.deepEqual(socket().sentJson(), [{ type: "subscribe", data: { events: ["alert.*"] } }]);
});

test("subscribe before connect() is sent on open too", () => {
  const { c, socket } = client();
  c.subscribe(["event"]);
  c.connect();
  socket().open();
  assert.deepEqual(socket().sentJson(), [{ type: "subscribe", data: { events: ["event"] } }]);
});

test("after every reconnect the subscriptions are sent again, before the resync", () => {
  const { c, timers, socket } = client();
  c.connect();
  socket().open();
  assert.equal(c.subscribe(["alert.*", "event"]), true, "sent at once on an open socket");
  c.unsubscribe(["event"]);
  c.subscribe(["camera.*"]);
  socket().deliver(event(3));
  for (let i = 0; i < 2; i++) {
    socket().serverClose(1001, "Server shutting down");
    timers.runNext();
    socket().open();
    assert.deepEqual(socket().sentJson(), [
      { type: "subscribe", data: { events: ["alert.*", "camera.*"] } },
      { type: "resync", data: { channel: "events", last_sequence: 3, epoch: "e1" } },
    ]);
  }
});

test("a client that never subscribed, or unsubscribed from all, sends no subscribe on open", () => {
  const { c, timers, socket } = client();
  c.connect();
  socket().open();
  assert.deepEqual(socket().sentJson(), []);
  c.subscribe(["alert.*"]);
  c.unsubscribe();
  assert.deepEqual(socket().sentJson().at(-1), { type: "unsubscribe", data: {} }, "back to receive-all");
  socket().serverClose(1006);
  timers.runNext();
  socket().open();
  assert.deepEqual(socket().sentJson(), []);
});

test("unsubscribing from every pattern one by one still receives nothing after a reconnect", () => {
  const { c, timers, socket } = client();
  c.connect();
  c.subscribe(["alert.*"]);
  c.unsubscribe(["alert.*"]);
  for (let i = 0; i < 2; i++) {
    socket().open();
    assert.deepEqual(socket().sentJson(), [
      { type: "subscribe", data: { events: ["*"] } },
      { type: "unsubscribe", data: { events: ["*"] } },
    ], "the server's filter is explicit and empty, as it was");
    socket().serverClose(1006);
    timers.runNext();
  }
});

test("other messages sent while the socket is not open are dropped and send returns false", () => {
  const { c, socket } = client();
  assert.equal(c.send({ type: "ping" }), false, "before connect");
  c.connect();
  assert.equal(c.send({ type: "ping" }), false, "while connecting");
  socket().open();
  assert.deepEqual(socket().sentJson(), [], "nothing queued but subscriptions");
  assert.equal(c.send({ type: "ping" }), true);
});

test("subscribe refuses what is not a non-empty list of pattern strings", () => {
  const { c } = client();
  assert.throws(() => c.subscribe("alert.*"), /patterns must be a non-empty array of strings, got alert\.\*/);
  assert.throws(() => c.subscribe([]), /non-empty array of strings/);
  assert.throws(() => c.subscribe([1]), /non-empty array of strings/);
});

// ---- review (rev-js): what a closed client still hears, and patterns as the server sees them ----

test("after close() nothing the old socket still delivers reaches the listeners (the 'ws' package delivers while CLOSING)", () => {
  const { c, socket } = client({ resyncChannel: null });
  const lines = [];
  const states = recordStates(c);
  c.onLog((line) => lines.push(line.message));
  c.connect();
  const old = socket();
  old.close = function (code, reason) { this.readyState = 2; this.closedWith = { code, reason }; }; // the close handshake takes a while
  old.open();
  c.close();
  assert.deepEqual(old.closedWith, { code: 1000, reason: "client closed" });
  old.deliver({ type: "log", data: { message: "a line of the old job" }, seq: 1, epoch: "j" });
  old.serverClose(1000, "client closed");
  assert.deepEqual(lines, [], "a closed client tells nothing");
  assert.deepEqual(c.lastClose, { code: 1000, reason: "client closed" }, "its own close is the latest");
  assert.equal(c.state, "closed");
  assert.deepEqual(states.map((s) => s.state), ["connecting", "open", "closed"]);
});

test("patterns are remembered as the server keeps them: trimmed, lower-cased, once each", () => {
  const { c, timers, socket } = client();
  c.connect();
  socket().open();
  c.subscribe(["Alert.*", " alert.* ", "Camera.*"]);
  assert.deepEqual(c.subscriptions(), ["alert.*", "camera.*"]);
  c.subscribe(["ALERT.*"]);
  assert.deepEqual(c.subscriptions(), ["alert.*", "camera.*"]);
  c.unsubscribe(["CAMERA.*"]); // the server removes camera.*: so must the client
  assert.deepEqual(c.subscriptions(), ["alert.*"]);
  socket().serverClose(1006);
  timers.runNext();
  socket().open();
  assert.deepEqual(socket().sentJson(), [{ type: "subscribe", data: { events: ["alert.*"] } }],
    "after a reconnect the server gets back the filter it had, not camera.* again");
});

test("a blank pattern is refused at once, as the server would refuse the whole request", () => {
  const { c } = client();
  assert.throws(() => c.subscribe(["alert.*", "  "]), /must not be blank, got '  '/);
  assert.deepEqual(c.subscriptions(), []);
  assert.throws(() => c.unsubscribe([""]), /must not be blank/);
});

test('on("*") gets every message a typed listener could get, after them, but never state or gap (javascript-client.md)', () => {
  const { c, socket } = client();
  const order = [];
  c.onEvent(() => order.push("event"));
  c.on("*", (data, envelope) => order.push(`* ${envelope.type ?? envelope.action}`));
  c.connect();
  socket().open();
  socket().deliver(event(1));
  socket().deliver(event(3)); // a gap: "gap" is emitted, "*" is not told
  socket().deliver({ type: "service_status", data: { service: "event_broadcaster", status: "degraded" } });
  socket().deliver({ action: "subscribed", events: ["alert.*"] });
  socket().deliver({ type: "error", error: "validation_error", message: "bad" });
  socket().deliver({ type: "ping", lastSeq: 3 });
  socket().deliver({ type: "pong" });
  assert.deepEqual(order, [
    "event", "* event",
    "event", "* event",
    "* service_status",
    "* subscribed",
    "* error",
  ]);
});

test("gap is told only for a live message past a hole: never for a replay, a heartbeat ahead or a new epoch", () => {
  const { c, socket } = client();
  const gaps = [];
  c.on("gap", (gap, envelope) => gaps.push([gap, envelope.seq]));
  c.connect();
  socket().open();
  socket().deliver(event(1));
  socket().deliver({ type: "ping", lastSeq: 5 });
  socket().deliver(event(4, { replay: true }));
  socket().deliver(event(9, { epoch: "e2" }));
  assert.deepEqual(gaps, []);
  socket().deliver(event(12, { epoch: "e2" }));
  assert.deepEqual(gaps, [[{ from: 10, to: 11 }, 12]]);
});
