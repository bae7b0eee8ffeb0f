// Types of realtime-client.js (the same module; no runtime code here). Message shapes: docs/protocol.md.

/** A security event (`event` messages on /ws/events). Fields a producer adds are passed through. */
export interface SecurityEvent {
  id: number | string;
  event_id: number | string;
  batch_id: string;
  camera_id: string;
  /** 0 to 100 */
  risk_score: number;
  risk_level: "low" | "medium" | "high" | "critical";
  summary: string;
  started_at: string | null;
  [field: string]: unknown;
}

/** A data message as it came: `type`, `data`, and on streams `seq`, `epoch`, `replay`. */
export interface Envelope<T = unknown> {
  type: string;
  data: T;
  timestamp?: string;
  /** Stream offset, on events and job logs. */
  seq?: number;
  /** Changes when the stream restarts from 1. */
  epoch?: string;
  /** True on messages a resync replays. */
  replay?: boolean;
}

export interface ServiceStatus {
  /** e.g. "event_broadcaster", "system_broadcaster" */
  service: string;
  /** "healthy", "degraded", "unhealthy", "restarting", ... */
  status: string;
  message: string;
  circuit_state?: "closed" | "open" | "half_open";
}

export interface SystemStatus {
  gpu: Record<string, unknown> | null;
  queues: { detection_queue: number; analysis_queue: number; dlq_total: number } | null;
  cameras: { total: number; online: number; offline: number } | null;
  /** Service name to "healthy", "unhealthy", ... */
  services: Record<string, string>;
  instance?: string;
}

export interface PerformanceAlert {
  severity: string;
  metric: string;
  value: number;
  threshold: number;
  message: string;
}

export interface PerformanceUpdate {
  timestamp: string;
  /** utilization, vram_used_gb, vram_total_gb, temperature, power_watts */
  gpu: Record<string, number | string | null> | null;
  ai_models?: Record<string, Record<string, unknown>>;
  inference?: Record<string, unknown> | null;
  databases?: { postgresql?: Record<string, unknown>; redis?: Record<string, unknown> };
  /** cpu_percent, ram_used_gb, ram_total_gb, disk_used_gb, disk_total_gb */
  host: Record<string, number | null> | null;
  containers?: Array<{ name: string; status: string; health: string }>;
  alerts: PerformanceAlert[];
}

export interface LogLine {
  timestamp: string;
  level: string;
  message: string;
  context?: Record<string, unknown>;
}

export interface JobEnd {
  /** "completed", "failed", ... */
  status: string;
  [field: string]: unknown;
}

export interface ShutdownNotice {
  reason: string;
  reconnect: boolean;
}

export interface ResyncAck {
  type: "resync_ack";
  channel: string;
  last_sequence: number;
  replayed_count: number;
  epoch?: string;
  recovered: boolean;
  /** True when the server no longer had every missed message. */
  gap_too_old?: boolean;
  oldest_available?: number;
}

export interface ErrorReply {
  type: "error";
  error: string;
  message: string;
  details?: unknown;
}

export interface Gap {
  from: number;
  to: number;
}

export type ConnectionState = "connecting" | "open" | "reconnecting" | "closed";

export interface StateDetail {
  code?: number;
  reason?: string;
  /** On "reconnecting" after a close: the delay before the next attempt. */
  retryInMs?: number;
}

export interface CloseDetail {
  code: number;
  reason: string;
}

/** What the client needs of a WebSocket class: the browser's, or the `ws` package's on Node. */
export interface WebSocketClass {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

/**
 * The handlers take `any`: the client assigns them, and a class's own handler types (the DOM's
 * `MessageEvent`, `CloseEvent`, the `ws` package's) must stay assignable. The client reads `data`
 * of a message and `code` and `reason` of a close.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

export interface RealtimeClientOptions {
  /** Sent as the `api-key.<key>` subprotocol. */
  apiKey?: string;
  /** Sent as `?token=`. */
  token?: string;
  /** Channel named in resync requests: "events" (default); null turns resync off (system, jobs). */
  resyncChannel?: string | null;
  /** First reconnect ceiling, 1000 by default. */
  backoffBaseMs?: number;
  /** Largest reconnect ceiling, 30000 by default. */
  backoffCapMs?: number;
  /** Attempts in a row that fail to open before giving up, Infinity by default. */
  maxAttempts?: number;
  /** Jitter source in [0, 1), Math.random by default. */
  random?: () => number;
  /** The WebSocket class, globalThis.WebSocket by default. */
  WebSocket?: WebSocketClass;
  /** For tests. */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(timer: unknown): void };
  /** Told when a listener throws (the others still run); console.error by default. */
  onListenerError?: (type: string, error: unknown) => void;
}

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/** A connection to one realtime endpoint that survives disconnects. */
export class RealtimeClient {
  constructor(url: string, options?: RealtimeClientOptions);

  readonly url: string;
  readonly state: ConnectionState;
  /** The stream offset up to which everything was received; 0 before any. */
  readonly lastSeq: number;
  /** The stream's epoch, once known. */
  readonly epoch: string | null;
  /** The latest close, or null before any. */
  readonly lastClose: CloseDetail | null;

  /** Opens the connection; reconnects by itself until close(). Returns at once. */
  connect(): this;
  /** Closes for good: no reconnect. */
  close(): void;
  /** Sends now; false, and nothing sent, when the socket is not open (not queued). */
  send(message: { type: string; data?: Record<string, unknown> }): boolean;
  /**
   * Remembered, sent on open and after every reconnect before the resync; true when sent now.
   * Kept as the server keeps them: trimmed, lower-cased, once each; throws on a blank pattern.
   */
  subscribe(patterns: string[]): boolean;
  /** Removes patterns; without any, back to every type. Remembered; true when sent now. */
  unsubscribe(patterns?: string[]): boolean;
  /** The patterns subscribed to, trimmed and lower-cased. */
  subscriptions(): string[];

  on(type: "event", listener: (event: SecurityEvent, envelope: Envelope<SecurityEvent>) => void): Unsubscribe;
  on(type: "system_status", listener: (status: SystemStatus, envelope: Envelope<SystemStatus>) => void): Unsubscribe;
  on(type: "performance_update", listener: (update: PerformanceUpdate, envelope: Envelope<PerformanceUpdate>) => void): Unsubscribe;
  on(type: "service_status", listener: (status: ServiceStatus, envelope: Envelope<ServiceStatus>) => void): Unsubscribe;
  on(type: "log", listener: (line: LogLine, envelope: Envelope<LogLine>) => void): Unsubscribe;
  on(type: "job_end", listener: (end: JobEnd, envelope: Envelope<JobEnd>) => void): Unsubscribe;
  on(type: "system.shutdown", listener: (notice: ShutdownNotice, envelope: Envelope<ShutdownNotice>) => void): Unsubscribe;
  on(type: "resync_ack", listener: (ack: ResyncAck) => void): Unsubscribe;
  on(type: "error", listener: (error: ErrorReply) => void): Unsubscribe;
  on(type: "gap", listener: (gap: Gap, envelope: Envelope) => void): Unsubscribe;
  on(type: "state", listener: (state: ConnectionState, detail: StateDetail) => void): Unsubscribe;
  on(type: string, listener: (data: any, envelope: any) => void): Unsubscribe;

  onEvent(listener: (event: SecurityEvent, envelope: Envelope<SecurityEvent>) => void): Unsubscribe;
  onSystemStatus(listener: (status: SystemStatus, envelope: Envelope<SystemStatus>) => void): Unsubscribe;
  onPerformanceUpdate(listener: (update: PerformanceUpdate, envelope: Envelope<PerformanceUpdate>) => void): Unsubscribe;
  onServiceStatus(listener: (status: ServiceStatus, envelope: Envelope<ServiceStatus>) => void): Unsubscribe;
  onLog(listener: (line: LogLine, envelope: Envelope<LogLine>) => void): Unsubscribe;
  onJobEnd(listener: (end: JobEnd, envelope: Envelope<JobEnd>) => void): Unsubscribe;
  onShutdown(listener: (notice: ShutdownNotice, envelope: Envelope<ShutdownNotice>) => void): Unsubscribe;
  onResync(listener: (ack: ResyncAck) => void): Unsubscribe;
  onError(listener: (error: ErrorReply) => void): Unsubscribe;
  /** "closed" is final (1008, close(), job_end, or the attempts ran out). */
  onStateChange(listener: (state: ConnectionState, detail: StateDetail) => void): Unsubscribe;
}
