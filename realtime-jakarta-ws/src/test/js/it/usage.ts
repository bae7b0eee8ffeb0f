// A typed use of @realtime/client and @realtime/client/react, checked by `tsc --noEmit --strict`
// (JavaScriptPackageIT) against the installed package's declarations. Never run.
import {
  RealtimeClient,
  type ConnectionState,
  type Envelope,
  type SecurityEvent,
  type StateDetail,
} from "@realtime/client";
import {
  useEventStream,
  useJobLogs,
  usePerformanceMetrics,
  useRealtime,
  useSystemStatus,
  type StreamMessage,
} from "@realtime/client/react";

const client: RealtimeClient = new RealtimeClient("ws://localhost:8080/ws/events", {
  apiKey: "k",
  backoffBaseMs: 500,
  resyncChannel: "events",
});
// The WebSocket class passed explicitly: the browser's own (also Node 22's global) must type-check.
const withBrowserSocket: RealtimeClient = new RealtimeClient("ws://localhost:8080/ws/events", { WebSocket });
void withBrowserSocket;
const subscribedNow: boolean = client.subscribe(["event", "alert.*"]);
const sent: boolean = client.send({ type: "ping" });
client.unsubscribe(["alert.*"]);
client.unsubscribe();
const patterns: string[] = client.subscriptions();
const removeEvent: () => void = client.onEvent((event: SecurityEvent, envelope: Envelope<SecurityEvent>) => {
  const level: "low" | "medium" | "high" | "critical" = event.risk_level;
  const score: number = event.risk_score;
  const seq: number | undefined = envelope.seq;
  void [level, score, seq];
});
removeEvent();
client.onStateChange((state: ConnectionState, detail: StateDetail) => {
  if (state === "reconnecting") void detail.retryInMs;
});
client.onPerformanceUpdate((update) => void update.alerts.map((alert) => alert.threshold));
client.onLog((line) => void line.message.toUpperCase());
client.onJobEnd((end) => void end.status);
client.onResync((ack) => void (ack.gap_too_old === true && ack.oldest_available));
client.on("gap", (gap) => void (gap.to - gap.from));
client.on("alert.intrusion", (data: unknown) => void data);
const lastClose: { code: number; reason: string } | null = client.lastClose;
client.connect().close();
void [subscribedNow, sent, patterns, lastClose];

// @ts-expect-error subscribe takes a list of patterns
client.subscribe("alert.*");
// @ts-expect-error an event's risk_score is a number
client.onEvent((event) => event.risk_score.toUpperCase());
// @ts-expect-error no such state
const wrong: ConnectionState = "opened";
void wrong;

export function hooks(): string {
  const base = useRealtime("ws://localhost:8080/ws/events", { apiKey: "k", subscribe: ["event"], on: { event: () => {} } });
  const state: ConnectionState = base.state;
  const maybeClient: RealtimeClient | null = base.client;
  const stream = useEventStream({ baseUrl: "ws://localhost:8080", limit: 50, subscribe: ["alert.*"] });
  const first: StreamMessage | undefined = stream.events[0];
  stream.clear();
  const system = useSystemStatus({ url: "ws://localhost:8080/ws/system" });
  const cameras: number | undefined = system.status?.cameras?.online;
  const gpuNodes: string[] = Object.entries(useSystemStatus({ instanceTtlMs: 30000, maxInstances: 16, now: () => Date.now() }).instances)
    .filter(([, status]) => status.gpu != null)
    .map(([instance]) => instance);
  const degraded: boolean = system.degraded || stream.degraded;
  const performance = usePerformanceMetrics({ history: 30 });
  const utilization = performance.latest?.gpu?.utilization;
  const cpu: Array<number | null | undefined> = performance.history.map((update) => update.host?.cpu_percent);
  const job = useJobLogs("job-1", { apiKey: "k" });
  const lines: string[] = job.lines.map((line) => `${line.level} ${line.message}`);
  const ended: string | undefined = job.end?.status;
  // @ts-expect-error history is a number
  usePerformanceMetrics({ history: "60" });
  void [maybeClient, first, cameras, degraded, utilization, cpu, lines, ended];
  return `${state} ${system.state} ${performance.state} ${job.state}`;
}
