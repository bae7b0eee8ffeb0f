// The Socket.IO 4 server under test, with the same control API as BenchServer:
//   POST /bench/publish?count=N, POST /bench/pace?rate=R&seconds=S, GET /bench/stats[?gc=true]
// Usage: node --expose-gc socketio-server.mjs PORT [REDIS_URL]
import http from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";

const port = Number(process.argv[2]);
const redisUrl = process.argv[3];
const frameBytes = 300;

const httpServer = http.createServer(control);
const io = new Server(httpServer, { transports: ["websocket"], serveClient: false });
if (redisUrl) {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  pub.on("error", (e) => console.error("redis", e.message));
  sub.on("error", (e) => console.error("redis", e.message));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub, { key: "bench-socketio" }));
}

let ids = 0;
const baseSummary = "Person detected near the entrance at an unusual hour ";
let summary = baseSummary;
while (JSON.stringify(data(0, summary)).length + 40 < frameBytes) summary += ".";

function nowMicros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function data(id, text = summary) {
  return {
    id, event_id: id, batch_id: "bench-batch", camera_id: "front_door", risk_score: 75,
    risk_level: "high", summary: text, started_at: null, t: nowMicros(),
  };
}

function publish(count) {
  for (let i = 0; i < count; i++) io.emit("event", data(++ids));
}

function pace(rate, seconds) {
  const start = performance.now();
  let ticks = 0;
  const total = seconds * 100;
  // Catch up on late ticks, so the rate holds even when a timer fires late; whole events per
  // 10 ms tick, so that rates below 100 a second hold too.
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor((performance.now() - start) / 10) + 1);
    while (ticks < due) {
      ticks++;
      publish(Math.floor((ticks * rate) / 100) - Math.floor(((ticks - 1) * rate) / 100));
    }
    if (ticks >= total) clearInterval(timer);
  }, 10);
}

function control(request, response) {
  const url = new URL(request.url, "http://localhost");
  if (request.method === "POST" && url.pathname === "/bench/publish") {
    publish(Number(url.searchParams.get("count")));
  } else if (request.method === "POST" && url.pathname === "/bench/pace") {
    pace(Number(url.searchParams.get("rate")), Number(url.searchParams.get("seconds")));
  } else if (request.method === "GET" && url.pathname === "/bench/stats") {
    if (url.searchParams.get("gc") === "true" && global.gc) {
      global.gc();
      global.gc();
    }
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ connections: io.engine.clientsCount, heap_used: process.memoryUsage().heapUsed }));
    return;
  } else {
    response.statusCode = 404;
    response.end();
    return;
  }
  response.end('{"ok":true}');
}

httpServer.listen(port, "0.0.0.0", () => console.log(`socket.io listening on ${port}`));
process.on("SIGTERM", () => process.exit(0));
