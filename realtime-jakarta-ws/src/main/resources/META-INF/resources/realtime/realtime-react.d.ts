// Types of realtime-react.js (React hooks on realtime-client.js). React 18 or later is a peer.

import type {
  CloseDetail,
  ConnectionState,
  Envelope,
  JobEnd,
  LogLine,
  PerformanceUpdate,
  RealtimeClient,
  RealtimeClientOptions,
  ServiceStatus,
  SystemStatus,
} from "./realtime-client.js";

export type * from "./realtime-client.js";

/** Listeners by message type; "*" for every data message. */
export type Listeners = { [type: string]: ((data: any, envelope: any) => void) | undefined };

export interface UseRealtimeOptions extends RealtimeClientOptions {
  /** Event type patterns; changing them re-subscribes without reconnecting. */
  subscribe?: string[];
  /** Listeners by type, always the latest the component rendered with. */
  on?: Listeners;
}

/** Where a hook connects: `url`, or `baseUrl` ("ws://host:8080") plus the endpoint's path; the page's host by default. */
export interface EndpointOptions extends UseRealtimeOptions {
  url?: string;
  baseUrl?: string;
}

export interface RealtimeHookResult {
  state: ConnectionState;
  /** The latest close, or null before any. */
  lastClose: CloseDetail | null;
}

export interface UseRealtimeResult extends RealtimeHookResult {
  /** The client while mounted and connected to this URL; null before the first effect. */
  client: RealtimeClient | null;
}

/** One connection to `url` while mounted; null or undefined: no connection. */
export function useRealtime(url: string | null | undefined, options?: UseRealtimeOptions): UseRealtimeResult;

export interface StreamMessage<T = any> {
  type: string;
  data: T;
  seq?: number;
  epoch?: string;
  timestamp?: string;
}

export interface UseEventStreamOptions extends EndpointOptions {
  /** How many to keep, 100 by default. */
  limit?: number;
}

export interface UseEventStreamResult extends RealtimeHookResult {
  /** Newest first, at most `limit`. */
  events: StreamMessage[];
  /** A broadcaster said it is degraded (service_status). */
  degraded: boolean;
  clear(): void;
}

export function useEventStream(options?: UseEventStreamOptions): UseEventStreamResult;

export interface UseSystemStatusOptions extends EndpointOptions {
  /** How long an instance's status is kept without a newer one, 60000 ms by default. */
  instanceTtlMs?: number;
  /** Instances kept at most, 64 by default; the least recently heard from is dropped first. */
  maxInstances?: number;
  /** The clock in milliseconds, `Date.now` by default (a test's own clock). */
  now?: () => number;
}

export interface UseSystemStatusResult extends RealtimeHookResult {
  /**
   * Every instance's latest status merged: each section from the latest status that reports it (a
   * null section never replaces a reported one), `services` the union of every instance's.
   */
  status: SystemStatus | null;
  /** The latest status per instance (`instance`; "" for a status without one). */
  instances: Record<string, SystemStatus>;
  /** The latest service notice per service. */
  services: Record<string, ServiceStatus>;
  degraded: boolean;
}

export function useSystemStatus(options?: UseSystemStatusOptions): UseSystemStatusResult;

export interface UsePerformanceMetricsOptions extends EndpointOptions {
  /** Updates kept, 60 by default. */
  history?: number;
}

export interface UsePerformanceMetricsResult extends RealtimeHookResult {
  latest: PerformanceUpdate | null;
  /** Oldest first, at most `history`. */
  history: PerformanceUpdate[];
}

export function usePerformanceMetrics(options?: UsePerformanceMetricsOptions): UsePerformanceMetricsResult;

export interface UseJobLogsOptions extends EndpointOptions {
  /** Lines kept (the newest), 10000 by default. */
  limit?: number;
}

export interface UseJobLogsResult extends RealtimeHookResult {
  lines: LogLine[];
  /** The job's end (status "completed", "failed", ...), or null while it runs. */
  end: JobEnd | null;
}

export function useJobLogs(jobId: string | null | undefined, options?: UseJobLogsOptions): UseJobLogsResult;

