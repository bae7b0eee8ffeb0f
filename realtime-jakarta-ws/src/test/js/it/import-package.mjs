// Imports the installed @realtime/client as an application would and checks its API is there.
// Run by JavaScriptPackageIT in the test project (target/js-it/project).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { RealtimeClient } from "@realtime/client";
import * as hooks from "@realtime/client/react";

const pkg = createRequire(import.meta.url)("@realtime/client/package.json");
assert.equal(pkg.name, "@realtime/client");
assert.equal(typeof RealtimeClient, "function");
for (const method of ["connect", "close", "send", "subscribe", "unsubscribe", "subscriptions", "on", "onEvent", "onStateChange"]) {
  assert.equal(typeof RealtimeClient.prototype[method], "function", method);
}
for (const hook of ["useRealtime", "useEventStream", "useSystemStatus", "usePerformanceMetrics", "useJobLogs"]) {
  assert.equal(typeof hooks[hook], "function", hook);
}
class NoSocket {}
const client = new RealtimeClient("ws://127.0.0.1:1/ws/events", { WebSocket: NoSocket });
assert.equal(client.state, "closed");
assert.equal(client.subscribe(["event"]), false);
assert.deepEqual(client.subscriptions(), ["event"]);
console.log(`imported ${pkg.name}@${pkg.version}`);
