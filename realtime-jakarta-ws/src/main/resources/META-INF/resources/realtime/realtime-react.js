// realtime-react.js: React hooks (React 18 or later, a peer: not bundled) on realtime-client.js.
// Each hook owns one RealtimeClient, so authentication, reconnects with backoff, resync and
// remembered subscriptions come with it; each returns `{ state, ... }` with the connection state,
// and closes its socket when the component unmounts (or the URL or credentials change).
//
// URLs: pass `url`, or `baseUrl` ("ws://host:8080") and the hook adds its endpoint's path; in a
// page with neither, the page's own host is used (wss on https).

import { useEffect, useRef, useState } from "react";
import { RealtimeClient } from "./realtime-client.js";

/** Whether a service_status's data is a notice: an object naming its service. */
function isServiceNotice(notice) {
  return notice !== null && typeof notice === "object" && typeof notice.service === "string";
}

/** Types that are no data of a stream: notices and control replies. */
const NOT_STREAM_DATA = new Set(["service_status", "system.shutdown", "resync_ack", "error", "ping", "pong"]);

/**
 * The base hook: one connection to `url`, open while the component is mounted.
 *
 * @param {string|null|undefined} url the endpoint (ws:// or wss://); null or undefined: no connection
 * @param {Object} [options] RealtimeClient's options, and:
 * @param {string[]} [options.subscribe] event type patterns; changing them re-subscribes without
 *     reconnecting
 * @param {Object<string, Function>} [options.on] listeners by message type ("*" for every data
 *     message), always the latest ones the component rendered with
 * @returns {{state: string, client: RealtimeClient|null, lastClose: {code:number, reason:string}|null}}
 */
export function useRealtime(url, options = {}) {
  const { subscribe, on, ...clientOptions } = options;
  const [state, setState] = useState(url ? "connecting" : "closed");
  const [lastClose, setLastClose] = useState(null);
  const [client, setClient] = useState(null);
  const latest = useRef({});
  latest.current = { on, subscribe, clientOptions };
  const applied = useRef(null);
  const subscribeKey = subscribe === undefined || subscribe === null ? null : JSON.stringify(subscribe);
  const { apiKey, token, resyncChannel, backoffBaseMs, backoffCapMs, maxAttempts, WebSocket } = clientOptions;

  useEffect(() => {
    if (!url) {
      setState("closed");
      return undefined;
    }
    const realtime = new RealtimeClient(url, latest.current.clientOptions);
    realtime.onStateChange((next) => {
      setState(next);
      setLastClose(realtime.lastClose);
    });
    realtime.on("*", (data, envelope) => {
      const listeners = latest.current.on;
      if (!listeners) return;
      const type = envelope?.type ?? envelope?.action;
      listeners[type]?.(data, envelope);
      listeners["*"]?.(data, envelope);
    });
    const patterns = latest.current.subscribe;
    if (patterns && patterns.length > 0) realtime.subscribe(patterns);
    applied.current = patterns ?? null;
    realtime.connect();
    setClient(realtime);
    return () => {
      realtime.close();
      setClient((current) => (current === realtime ? null : current));
    };
  }, [url, apiKey, token, resyncChannel, backoffBaseMs, backoffCapMs, maxAttempts, WebSocket]);

  useEffect(() => {
    if (!client) return;
    const before = applied.current ?? [];
    const after = latest.current.subscribe ?? [];
    applied.current = latest.current.subscribe ?? null;
    if (after.length === 0) {
      if (before.length > 0) client.unsubscribe();
      return;
    }
    const removed = before.filter((pattern) => !after.includes(pattern));
    const added = after.filter((pattern) => !before.includes(pattern));
    if (removed.length > 0) client.unsubscribe(removed);
    if (added.length > 0) client.subscribe(added);
  }, [client, subscribeKey]);

  return { state, client, lastClose };
}

/**
 * The newest messages of the event stream (/ws/events), newest first: every published type, or
 * those matching `subscribe`. Replays after a gap or a reconnect fill in; nothing comes twice.
 *
 * @param {Object} [options] useRealtime's options, and url or baseUrl
 * @param {number} [options.limit] how many to keep, 100 by default
 * @param {string[]} [options.subscribe] event type patterns, e.g. ["event", "alert.*"]
 * @returns {{state: string, events: Array<{type: string, data: *, seq?: number, epoch?: string,
 *     timestamp?: string}>, degraded: boolean, lastClose: Object|null, clear: () => void}}
 */
export function useEventStream(options = {}) {
  const { limit = 100, url, baseUrl, on, ...rest } = options;
  checkCount("limit", limit);
  const [events, setEvents] = useState([]);
  const [degraded, setDegraded] = useState({});
  const { state, lastClose } = useRealtime(endpoint(url, baseUrl, "/ws/events"), {
    ...rest,
    on: withListeners(on, {
      "*": (data, envelope) => {
        if (!envelope?.type || NOT_STREAM_DATA.has(envelope.type)) return;
        const { type, seq, epoch, timestamp } = envelope;
        setEvents((previous) => [{ type, data, seq, epoch, timestamp }, ...previous].slice(0, limit));
      },
      service_status: (notice) => {
        if (!isServiceNotice(notice)) return; // not a notice: nothing to keep
        setDegraded((previous) => ({ ...previous, [notice.service]: notice.status === "degraded" }));
      },
    }),
  });
  useEffect(() => {
    setEvents((previous) => (previous.length > limit ? previous.slice(0, limit) : previous));
  }, [limit]);
  return { state, events, degraded: Object.values(degraded).some(Boolean), lastClose, clear: () => setEvents([]) };
}

/**
 * The system status (/ws/system sends one at once on connect, then every interval) and the service
 * notices by service (a broadcaster that is degraded says so).
 *
 * With several instances behind /ws/system, each sends its own `system_status` (a web node without
 * GPU, then the GPU node...), so the hook keeps the latest status per instance (`instance`; a status
 * without one counts as the instance `""`) and merges them into `status`: each section from the
 * latest status that reports it (a `null` section never replaces a reported one), `services` the
 * union of every instance's, each service as the latest instance to report it said. An instance
 * not heard from for `instanceTtlMs` is dropped when the next status arrives, and at most
 * `maxInstances` are kept (the least recently heard from is dropped first). Instance, service and
 * model names are own properties whatever they are (`__proto__` included).
 *
 * @param {Object} [options] useRealtime's options, and url or baseUrl
 * @param {number} [options.instanceTtlMs] how long an instance's status is kept without a newer
 *     one, 60000 by default
 * @param {number} [options.maxInstances] instances kept at most, 64 by default
 * @param {function(): number} [options.now] the clock, in milliseconds (Date.now by default; a test's
 *     own clock)
 * @returns {{state: string, status: Object|null, instances: Object<string, Object>,
 *     services: Object<string, Object>, degraded: boolean, lastClose: Object|null}}
 */
export function useSystemStatus(options = {}) {
  const { instanceTtlMs = 60000, maxInstances = 64, now = Date.now, url, baseUrl, on, ...rest } = options;
  checkCount("instanceTtlMs", instanceTtlMs);
  checkCount("maxInstances", maxInstances);
  if (typeof now !== "function") throw new TypeError("now must be a function returning milliseconds");
  const [statuses, setStatuses] = useState(NO_STATUSES);
  const [services, setServices] = useState({});
  const { state, lastClose } = useRealtime(endpoint(url, baseUrl, "/ws/system"), {
    resyncChannel: null,
    ...rest,
    on: withListeners(on, {
      system_status: (status) => setStatuses((previous) => keepStatus(previous, status, now(), instanceTtlMs, maxInstances)),
      service_status: (notice) => {
        if (isServiceNotice(notice)) setServices((previous) => put({ ...previous }, notice.service, notice));
      },
    }),
  });
  const degraded = Object.values(services).some((notice) => notice.status === "degraded");
  return { state, status: statuses.merged, instances: statuses.instances, services, degraded, lastClose };
}

const NO_STATUSES = Object.freeze({ entries: new Map(), instances: {}, merged: null });

/** Sets an own property, also for a key such as `__proto__` that plain assignment would not. */
function put(object, key, value) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/**
 * Keeps `status` as its instance's latest (a Map in the order heard from, least recent first),
 * drops the expired and the least recent beyond `maxInstances`, and merges the statuses: one pass
 * over at most `maxInstances` statuses, each section and service written once.
 */
function keepStatus(previous, status, now, ttlMs, maxInstances) {
  const id = typeof status?.instance === "string" ? status.instance : "";
  const entries = new Map(previous.entries);
  entries.delete(id);
  entries.set(id, { status, at: now });
  for (const [other, entry] of entries) {
    if (entries.size > maxInstances || now - entry.at > ttlMs) entries.delete(other);
  }
  const instances = {};
  const merged = {};
  let services = null;
  for (const [instance, entry] of entries) {
    put(instances, instance, entry.status);
    const each = entry.status !== null && typeof entry.status === "object" ? entry.status : {};
    for (const [key, value] of Object.entries(each)) {
      if (key === "services") {
        if (value !== null && typeof value === "object") {
          services ??= {};
          for (const [name, state] of Object.entries(value)) put(services, name, state);
        }
      } else if (value !== null && value !== undefined) {
        put(merged, key, value);
      } else if (!Object.prototype.hasOwnProperty.call(merged, key)) {
        put(merged, key, value);
      }
    }
  }
  if (services !== null) merged.services = services;
  return { entries, instances, merged };
}

/**
 * The latest performance update and a rolling window of the last `history` ones, oldest first
 * (for sparklines).
 *
 * @param {Object} [options] useRealtime's options, and url or baseUrl
 * @param {number} [options.history] updates kept, 60 by default
 * @returns {{state: string, latest: Object|null, history: Object[], lastClose: Object|null}}
 */
export function usePerformanceMetrics(options = {}) {
  const { history = 60, url, baseUrl, on, ...rest } = options;
  checkCount("history", history);
  const [updates, setUpdates] = useState([]);
  const { state, lastClose } = useRealtime(endpoint(url, baseUrl, "/ws/system"), {
    resyncChannel: null,
    ...rest,
    on: withListeners(on, {
      performance_update: (update) => setUpdates((previous) => [...previous, update].slice(-history)),
    }),
  });
  useEffect(() => {
    setUpdates((previous) => (previous.length > history ? previous.slice(-history) : previous));
  }, [history]);
  return { state, latest: updates.length > 0 ? updates[updates.length - 1] : null, history: updates, lastClose };
}

/**
 * A job's log (/ws/jobs/{jobId}/logs): the backlog, then the lines as they come, and the end.
 * The server closes after `job_end`; the hook does not reconnect then. A null jobId: no connection.
 *
 * @param {string|null|undefined} jobId
 * @param {Object} [options] useRealtime's options, and url or baseUrl
 * @param {number} [options.limit] lines kept (the newest), 10000 by default
 * @returns {{state: string, lines: Object[], end: {status: string}|null, lastClose: Object|null}}
 */
export function useJobLogs(jobId, options = {}) {
  const { limit = 10000, url, baseUrl, on, ...rest } = options;
  checkCount("limit", limit);
  const [log, setLog] = useState({ jobId, lines: [], end: null });
  const path = jobId ? `/ws/jobs/${encodeURIComponent(jobId)}/logs` : null;
  const { state, lastClose } = useRealtime(path && endpoint(url, baseUrl, path), {
    resyncChannel: null,
    ...rest,
    on: withListeners(on, {
      log: (line) => setLog((previous) => {
        const current = sameJob(previous, jobId);
        return { ...current, lines: [...current.lines, line].slice(-limit) };
      }),
      job_end: (end) => setLog((previous) => ({ ...sameJob(previous, jobId), end })),
    }),
  });
  useEffect(() => {
    setLog((previous) => (previous.lines.length > limit ? { ...previous, lines: previous.lines.slice(-limit) } : previous));
  }, [limit]);
  const current = sameJob(log, jobId);
  return { state, lines: current.lines, end: current.end, lastClose };
}

/** The app's listeners, and the hook's own, each run after the app's of the same type. */
function withListeners(on, own) {
  const merged = { ...on };
  for (const [type, listener] of Object.entries(own)) {
    merged[type] = (data, envelope) => {
      on?.[type]?.(data, envelope);
      listener(data, envelope);
    };
  }
  return merged;
}

function sameJob(log, jobId) {
  return log.jobId === jobId ? log : { jobId, lines: [], end: null };
}

/** The URL of an endpoint: `url` as given, or `baseUrl` (or the page's host) and the path. */
function endpoint(url, baseUrl, path) {
  if (url) return url;
  const base = baseUrl ?? pageBase();
  if (!base) {
    throw new TypeError(`no URL for ${path}: pass url or baseUrl (e.g. "ws://localhost:8080"); there is no page to take the host from`);
  }
  return base.replace(/\/+$/, "") + path;
}

function pageBase() {
  const location = globalThis.location;
  if (!location?.host) return null;
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
}

function checkCount(name, value) {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}
