// Renders components using each hook of @realtime/client/react on Node (react-dom on jsdom, the
// `ws` package as WebSocket) against a real server, driven by ReactHooksIT: this script prints
// `STEP <name>`, the IT does it on the server and answers `OK <value>` on stdin.
// Usage: node react-hooks.mjs ws://127.0.0.1:PORT API_KEY
import assert from "node:assert/strict";
import { createInterface } from "node:readline";
import { JSDOM } from "jsdom";
import WebSocket from "ws";
import React from "react";
import { createRoot } from "react-dom/client";
import { useEventStream, useJobLogs, usePerformanceMetrics, useSystemStatus } from "@realtime/client/react";

const [baseUrl, apiKey] = process.argv.slice(2);
const WAIT_MS = 20000;
const deadline = setTimeout(() => fail(new Error("the scenario took over 100 s")), 100000);

const dom = new JSDOM("<!doctype html><div id=root></div>", { url: "http://127.0.0.1/" });
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const sockets = [];
/** Every socket the hooks open, with what went over it, told on a failure. */
class TrackedSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    this.traffic = [];
    this.addEventListener("message", (message) => this.traffic.push(`< ${String(message.data).slice(0, 120)}`));
    sockets.push(this);
  }
  send(text) {
    this.traffic.push(`> ${text}`);
    super.send(text);
  }
}

const options = { baseUrl, apiKey, WebSocket: TrackedSocket, backoffBaseMs: 100, backoffCapMs: 400 };
const h = React.createElement;

function Feed() {
  const [patterns, setPatterns] = React.useState(["alert.*"]);
  Feed.setPatterns = setPatterns;
  const { state, events } = useEventStream({ ...options, limit: 3, subscribe: patterns });
  return h("ul", { id: "feed", "data-state": state },
    events.map((e) => h("li", { key: `${e.epoch}:${e.seq}` }, `${e.type} ${e.data.n}`)));
}

function System() {
  const { state, status } = useSystemStatus(options);
  const updates = React.useRef(0);
  if (status && status !== System.last) {
    System.last = status;
    updates.current += 1;
  }
  return h("p", { id: "system", "data-state": state, "data-updates": updates.current }, status ? `instance ${status.instance}` : "none");
}

function Performance() {
  const { state, latest, history } = usePerformanceMetrics({ ...options, history: 3 });
  return h("p", { id: "performance", "data-state": state },
    `latest ${latest?.host?.cpu_percent ?? "none"} history ${history.map((u) => u.host?.cpu_percent).join(",")}`);
}

function JobLog() {
  const { state, lines, end } = useJobLogs("job-7", options);
  return h("div", { id: "job", "data-state": state },
    h("ol", null, lines.map((line, i) => h("li", { key: i }, `${line.level} ${line.message}`))),
    h("p", { id: "job-end" }, end ? end.status : "running"));
}

const stdin = createInterface({ input: process.stdin });
const answers = stdin[Symbol.asyncIterator]();
async function step(name) {
  console.log(`STEP ${name}`);
  const { value } = await answers.next();
  assert.match(value ?? "", /^OK/, `the IT answered ${name}`);
  return value.slice(3);
}

/**
 * Has the server collect until the window of 3 is full (a server may conflate updates): each time
 * the latest is the one just collected, and the window keeps the last 3, oldest first.
 */
async function collectUntilTheWindowIsFull() {
  for (let i = 0; ; i++) {
    const cpu = Number(await step("collect"));
    await until(`the performance update with cpu ${cpu}`, () => assert.equal(performance().latest, cpu));
    const { history } = performance();
    assert.ok(history.length <= 3, `a window of 3: ${history}`);
    assert.deepEqual(history, [...history].sort((a, b) => a - b), "oldest first");
    if (history.length === 3) return;
    assert.ok(i < 10, `the window filled within 10 collections: ${history}`);
  }
}

/** What the Performance component shows: the latest CPU and the window's. */
function performance() {
  const [, latest, history] = $("#performance").textContent.match(/^latest (\S+) history (.*)$/);
  return { latest: Number(latest), history: history === "" ? [] : history.split(",").map(Number) };
}

const $ = (selector) => document.querySelector(selector);
const texts = (selector) => [...document.querySelectorAll(selector)].map((e) => e.textContent);
const states = () => ["#feed", "#system", "#performance", "#job"].map((s) => $(s)?.getAttribute("data-state"));

async function until(what, check) {
  const start = Date.now();
  for (;;) {
    let error;
    try {
      if (check() !== false) return;
    } catch (e) {
      error = e;
    }
    if (Date.now() - start > WAIT_MS) {
      throw new Error(`waited ${WAIT_MS} ms for ${what}: ${error?.message ?? "false"}\n${document.body.innerHTML}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function fail(error) {
  for (const socket of sockets) console.error(`${socket.url}:\n  ${socket.traffic.slice(-12).join("\n  ")}`);
  console.error(error?.stack ?? error);
  process.exit(1);
}

async function main() {
  const root = createRoot($("#root"));
  root.render(h("main", null, h(Feed), h(System), h(Performance), h(JobLog)));

  await until("every hook open", () => assert.deepEqual(states(), ["open", "open", "open", "open"]));
  await until("the status sent on connect", () => assert.equal($("#system").textContent, "instance js-it"));
  await until("the job's backlog", () => assert.deepEqual(texts("#job li"), ["INFO backlog line"]));

  await step("publish");
  await until("the subscribed events only, newest first", () =>
    assert.deepEqual(texts("#feed li"), ["alert.motion 3", "alert.intrusion 1"]));
  await collectUntilTheWindowIsFull();
  await until("the job's lines", () =>
    assert.deepEqual(texts("#job li"), ["INFO backlog line", "INFO line one", "ERROR line two"]));
  const statusUpdates = Number($("#system").getAttribute("data-updates"));
  assert.ok(statusUpdates >= 2, `status updates: ${statusUpdates}`);

  const before = sockets.length;
  await step("restart");
  await until("a new socket for every hook, all open again", () => {
    assert.ok(sockets.length >= before + 4, `sockets: ${sockets.length}, before the restart ${before}`);
    assert.deepEqual(states(), ["open", "open", "open", "open"]);
  });

  await step("publish-again");
  const cpuAfter = Number(await step("collect"));
  await until("the subscription kept after the restart, the limit of 3 kept", () =>
    assert.deepEqual(texts("#feed li"), ["alert.intrusion 5", "alert.motion 3", "alert.intrusion 1"]));
  await until("the performance update after the restart", () => assert.equal(performance().latest, cpuAfter));
  assert.equal(performance().history.length, 3);
  assert.ok(Number($("#system").getAttribute("data-updates")) > statusUpdates, "the status updates after the restart");
  await until("the job's end, its lines once each", () => {
    assert.deepEqual(texts("#job li"), [
      "INFO backlog line", "INFO line one", "ERROR line two", "INFO line three", "INFO Job completed successfully"]);
    assert.equal($("#job-end").textContent, "completed");
    assert.equal($("#job").getAttribute("data-state"), "closed");
  });

  const socketsBeforeTheChange = sockets.length;
  Feed.setPatterns(["camera.*"]);
  await step("publish-for-the-new-subscription");
  await until("the events of the new subscription", () =>
    assert.deepEqual(texts("#feed li"), ["camera.offline 8", "alert.intrusion 5", "alert.motion 3"]));
  assert.equal(sockets.length, socketsBeforeTheChange, "a new subscription, not a new connection");

  root.unmount();
  await until("every socket closed", () =>
    assert.deepEqual(sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length, 0));
  await step("unmounted");
  clearTimeout(deadline);
  stdin.close();
  console.log(`PASS: ${sockets.length} sockets, all closed`);
}

main().catch(fail);
