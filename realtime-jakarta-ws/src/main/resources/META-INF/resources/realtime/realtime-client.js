// realtime-client.js: the browser (and Node) client of the realtime WebSocket endpoints.
// An ES module with no dependencies. Served by any Servlet container that has the
// realtime-jakarta-ws jar on its classpath at /realtime/realtime-client.js.
//
// What it does for you:
//  - authenticates with the `api-key.<key>` subprotocol (browsers cannot set headers) and/or ?token=;
//  - answers the server's pings, so the server's idle timeout never closes a live page;
//  - reconnects with exponential backoff and full jitter (1 s base, 30 s cap by default), except
//    after a 1008 refusal, after `close()`, and after a job log's `job_end`; after a 1013 "try
//    again later" (rate limit, connection caps, slow consumer) it waits at least a minimum that
//    grows with each refusal in a row, so a refused crowd does not hammer the server;
//  - follows `seq`/`epoch`: drops duplicates, asks for a resync on a gap, on a heartbeat whose
//    `lastSeq` is ahead, and after every reconnect, so a page misses nothing the server still has;
//  - remembers subscriptions: `subscribe` before the socket is open is sent when it opens, and
//    after every reconnect the subscriptions are sent again, before the resync;
//  - calls typed callbacks per message type.

/**
 * @typedef {Object} SecurityEvent
 * @property {number|string} id
 * @property {number|string} event_id
 * @property {string} batch_id
 * @property {string} camera_id
 * @property {number} risk_score 0 to 100
 * @property {"low"|"medium"|"high"|"critical"} risk_level
 * @property {string} summary
 * @property {string|null} started_at
 */

/**
 * @typedef {Object} Envelope
 * @property {string} type
 * @property {*} data
 * @property {string} [timestamp]
 * @property {number} [seq] stream offset, on events and job logs
 * @property {string} [epoch] changes when the stream restarts from 1
 * @property {boolean} [replay] true on messages a resync replays
 */

/**
 * @typedef {Object} ServiceStatus
 * @property {string} service e.g. "event_broadcaster", "system_broadcaster", "yolo26"
 * @property {string} status "healthy", "degraded", "unhealthy", "restarting", ...
 * @property {string} message
 * @property {string} [circuit_state] "closed", "open" or "half_open" on broadcaster notices
 */

/**
 * @typedef {Object} SystemStatus
 * @property {Object|null} gpu
 * @property {{detection_queue:number, analysis_queue:number, dlq_total:number}|null} queues
 * @property {{total:number, online:number, offline:number}|null} cameras
 * @property {Object<string,string>} services service name to "healthy", "unhealthy", ...
 * @property {string} [instance]
 */

/**
 * @typedef {Object} PerformanceUpdate
 * @property {string} timestamp
 * @property {Object|null} gpu utilization, vram_used_gb, vram_total_gb, temperature, power_watts
 * @property {Object<string,Object>} [ai_models]
 * @property {Object|null} [inference]
 * @property {{postgresql?:Object, redis?:Object}} [databases]
 * @property {Object|null} host cpu_percent, ram_used_gb, ram_total_gb, disk_used_gb, disk_total_gb
 * @property {Array<{name:string,status:string,health:string}>} [containers]
 * @property {Array<{severity:string,metric:string,value:number,threshold:number,message:string}>} alerts
 */

/**
 * @typedef {Object} LogLine
 * @property {string} timestamp
 * @property {string} level
 * @property {string} message
 * @property {Object} [context]
 */

/**
 * @typedef {Object} ResyncAck
 * @property {string} channel
 * @property {number} last_sequence
 * @property {number} replayed_count
 * @property {string} [epoch]
 * @property {boolean} recovered
 * @property {boolean} [gap_too_old] true when the server no longer had every missed message
 * @property {number} [oldest_available]
 */

/** @typedef {"connecting"|"open"|"reconnecting"|"closed"} ConnectionState */

const API_KEY_PROTOCOL = "api-key.";
/** Authentication and policy: final, never retried. */
const POLICY_VIOLATION = 1008;
/**
 * Closes after which the client holds off before it retries: 1013 try again later (rate limit,
 * connection caps, slow consumer, a lost log stream), and 1003, 1007 and 1009, the server could
 * not take what this connection sent (a fresh connection can, so they are retried, but never fast
 * enough to loop on an app that sends the same again).
 */
const HOLD_OFF_CODES = new Set([1003, 1007, 1009, 1013]);

/**
 * A connection to one realtime endpoint that survives disconnects.
 *
 * ```js
 * const events = new RealtimeClient("ws://localhost:8080/ws/events", { apiKey: "k" });
 * events.onEvent((event) => console.log(event.risk_level, event.summary));
 * events.connect();
 * ```
 */
export class RealtimeClient {
  /**
   * @param {string} url the endpoint, e.g. ws://host:8080/ws/events
   * @param {Object} [options]
   * @param {string} [options.apiKey] sent as the `api-key.<key>` subprotocol
   * @param {string} [options.token] sent as ?token=
   * @param {string|null} [options.resyncChannel] channel named in resync requests: "events"
   *     (default) for /ws/events; null turns resync off (the system and job endpoints)
   * @param {number} [options.backoffBaseMs] first reconnect ceiling, 1000 by default
   * @param {number} [options.backoffCapMs] largest reconnect ceiling, 30000 by default
   * @param {number} [options.maxAttempts] attempts in a row that fail to open before giving up,
   *     Infinity by default; refusals after an open (1013) do not count
   * @param {() => number} [options.random] jitter source in [0, 1), Math.random by default
   * @param {typeof WebSocket} [options.WebSocket] the WebSocket class, globalThis.WebSocket by default
   * @param {{setTimeout: Function, clearTimeout: Function}} [options.timers] for tests
   * @param {(type: string, error: *) => void} [options.onListenerError] told when a listener
   *     throws (the others still run); console.error by default
   */
  constructor(url, options = {}) {
    if (typeof url !== "string" || !/^wss?:\/\//.test(url)) {
      throw new TypeError(`url must be a ws:// or wss:// URL, got ${String(url)}`);
    }
    const base = options.backoffBaseMs ?? 1000;
    const cap = options.backoffCapMs ?? 30000;
    const maxAttempts = options.maxAttempts ?? Infinity;
    if (!(base > 0) || !(cap >= base) || !(maxAttempts >= 1)) {
      throw new RangeError(
        `need 0 < backoffBaseMs <= backoffCapMs and maxAttempts >= 1, got ${base}, ${cap}, ${maxAttempts}`);
    }
    this.url = options.token ? appendQuery(url, "token", options.token) : url;
    this.apiKey = options.apiKey ?? null;
    this.resyncChannel = options.resyncChannel === undefined ? "events" : options.resyncChannel;
    this.backoffBaseMs = base;
    this.backoffCapMs = cap;
    this.maxAttempts = maxAttempts;
    this.random = options.random ?? Math.random;
    this.WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    this.timers = options.timers ?? { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) };
    this.onListenerError = options.onListenerError
      ?? ((type, error) => console.error(`realtime-client: a ${type} listener failed`, error));
    if (typeof this.WebSocketImpl !== "function") {
      throw new TypeError("no WebSocket class: pass options.WebSocket (e.g. the 'ws' package on Node)");
    }
    /** @type {ConnectionState} */
    this.state = "closed";
    /** The stream offset up to which everything was received; 0 before any. */
    this.lastSeq = 0;
    this.ahead = new Set();
    /** The stream's epoch, once known. */
    this.epoch = null;
    this.socket = null;
    /** The latest close, `{code, reason}`, or null before any. */
    this.lastClose = null;
    /** Attempts in a row that did not open. */
    this.attempts = 0;
    /** Hold-off closes (1013, 1003, 1007, 1009) in a row, with no message in between. */
    this.holdOffs = 0;
    this.reconnectTimer = null;
    this.stopped = true;
    this.resyncPending = false;
    /** The timer that asks again for a resync the server rate-limited. */
    this.resyncRetryTimer = null;
    this.listeners = new Map();
    /** The patterns subscribed to, in order; restored on every open. */
    this.patterns = [];
    /** True after an explicit subscribe (until `unsubscribe()`): the server filters then. */
    this.filtered = false;
  }

  /** Opens the connection; reconnects by itself until {@link close}. */
  connect() {
    this.stopped = false;
    this.attempts = 0;
    this.holdOffs = 0;
    this.open("connecting");
    return this;
  }

  /** Closes for good: no reconnect. */
  close() {
    this.stopped = true;
    this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.cancelResyncRetry();
    const socket = this.socket;
    // Detached first: a socket still delivers what arrives while it closes (the 'ws' package
    // does), and a closed client tells its listeners nothing more.
    this.socket = null;
    if (socket) {
      socket.close(1000, "client closed");
      this.lastClose = { code: 1000, reason: "client closed" };
    }
    this.setState("closed");
  }

  /**
   * Sends a client message now; false, and nothing sent, when the socket is not open (messages
   * are not queued: only subscriptions are remembered, see {@link subscribe}).
   * @param {Object} message e.g. {type: "ping"}
   */
  send(message) {
    if (!this.socket || this.socket.readyState !== 1) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Subscribes to event types by pattern (fnmatch, e.g. "alert.*"): from then on the server sends
   * only matching types. Remembered: sent when the socket opens if it is not open yet, and sent
   * again after every reconnect, before the resync. Patterns are kept as the server keeps them:
   * trimmed, lower-cased and once each; a blank one is refused here, as the server would refuse
   * the whole request.
   * @param {string[]} patterns
   * @returns {boolean} true when sent now, false when it will be sent on open
   */
  subscribe(patterns) {
    const normalized = normalizePatterns(patterns);
    this.filtered = true;
    for (const pattern of normalized) {
      if (!this.patterns.includes(pattern)) this.patterns.push(pattern);
    }
    return this.send({ type: "subscribe", data: { events: normalized } });
  }

  /**
   * Removes patterns; without any, forgets every subscription: back to receiving every type.
   * Remembered like {@link subscribe}.
   * @param {string[]} [patterns]
   * @returns {boolean} true when sent now
   */
  unsubscribe(patterns) {
    if (patterns === undefined) {
      this.filtered = false;
      this.patterns = [];
      return this.send({ type: "unsubscribe", data: {} });
    }
    const normalized = normalizePatterns(patterns);
    this.patterns = this.patterns.filter((pattern) => !normalized.includes(pattern));
    return this.send({ type: "unsubscribe", data: { events: normalized } });
  }

  /** @returns {string[]} the patterns subscribed to (empty: every type, unless unsubscribed) */
  subscriptions() {
    return [...this.patterns];
  }

  /** Tells the server the remembered filter: on every open, before anything else. */
  restoreSubscriptions() {
    if (!this.filtered) return;
    if (this.patterns.length > 0) {
      this.send({ type: "subscribe", data: { events: [...this.patterns] } });
      return;
    }
    // Subscribed, then unsubscribed from every pattern: the server then sends nothing, and the
    // only way to say so again is the same two steps.
    this.send({ type: "subscribe", data: { events: ["*"] } });
    this.send({ type: "unsubscribe", data: { events: ["*"] } });
  }

  /**
   * Calls `listener(data, envelope)` for every data message of `type`; "*" for all types.
   * @returns {() => void} removes the listener
   */
  on(type, listener) {
    if (typeof listener !== "function") {
      throw new TypeError(`listener for ${type} must be a function`);
    }
    if (!this.listeners.has(type)) {
      this.listeners.set(type, new Set());
    }
    this.listeners.get(type).add(listener);
    return () => this.listeners.get(type).delete(listener);
  }

  /** @param {(event: SecurityEvent, envelope: Envelope) => void} listener */
  onEvent(listener) { return this.on("event", listener); }

  /** @param {(status: SystemStatus, envelope: Envelope) => void} listener */
  onSystemStatus(listener) { return this.on("system_status", listener); }

  /** @param {(update: PerformanceUpdate, envelope: Envelope) => void} listener */
  onPerformanceUpdate(listener) { return this.on("performance_update", listener); }

  /** @param {(status: ServiceStatus, envelope: Envelope) => void} listener */
  onServiceStatus(listener) { return this.on("service_status", listener); }

  /** @param {(line: LogLine, envelope: Envelope) => void} listener */
  onLog(listener) { return this.on("log", listener); }

  /** @param {(end: {status: string}, envelope: Envelope) => void} listener */
  onJobEnd(listener) { return this.on("job_end", listener); }

  /** @param {(notice: {reason: string, reconnect: boolean}) => void} listener */
  onShutdown(listener) { return this.on("system.shutdown", listener); }

  /** @param {(ack: ResyncAck) => void} listener */
  onResync(listener) { return this.on("resync_ack", listener); }

  /** @param {(error: {error: string, message: string, details: *}) => void} listener */
  onError(listener) { return this.on("error", listener); }

  /**
   * Told every state change. `detail` has the close's `code` and `reason` on a close, and on
   * "reconnecting" after a close `retryInMs`, the delay before the next attempt; "closed" is final
   * (1008, `close()`, `job_end`, or the attempts ran out).
   * @param {(state: ConnectionState, detail: {code?: number, reason?: string, retryInMs?: number}) => void} listener
   */
  onStateChange(listener) { return this.on("state", listener); }

  open(state) {
    this.setState(state);
    const protocols = this.apiKey ? [API_KEY_PROTOCOL + this.apiKey] : [];
    let socket;
    try {
      socket = new this.WebSocketImpl(this.url, protocols);
    } catch (error) {
      this.scheduleReconnect({});
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.attempts = 0;
      this.cancelResyncRetry();
      this.resyncPending = false;
      this.restoreSubscriptions();
      this.setState("open");
      if (this.lastSeq > 0) {
        this.requestResync();
      }
    };
    socket.onmessage = (message) => {
      if (socket !== this.socket) return;
      this.holdOffs = 0; // the server took this connection: a refusal streak is over
      this.receive(message.data);
    };
    socket.onclose = (close) => {
      if (socket !== this.socket) return;
      this.socket = null;
      const detail = { code: close.code, reason: close.reason };
      this.lastClose = detail;
      if (this.stopped || close.code === POLICY_VIOLATION) {
        this.stopped = true;
        this.setState("closed", detail);
        return;
      }
      this.holdOffs = HOLD_OFF_CODES.has(close.code) ? this.holdOffs + 1 : 0;
      this.scheduleReconnect(detail);
    };
    socket.onerror = () => {
      // onclose follows and decides what happens next.
    };
  }

  /** Schedules the next attempt and says so with state "reconnecting", or gives up. */
  scheduleReconnect(detail) {
    if (this.stopped) return;
    this.attempts += 1;
    if (this.attempts > this.maxAttempts) {
      this.stopped = true;
      this.setState("closed", { code: detail.code, reason: `gave up after ${this.maxAttempts} attempts` });
      return;
    }
    const delay = this.holdOffs > 0 ? this.holdOffDelay(this.holdOffs) : this.backoffDelay(this.attempts);
    this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.open("reconnecting");
    }, delay);
    this.setState("reconnecting", { ...detail, retryInMs: delay });
  }

  /** Attempt `n` in a row: full jitter, a random delay below min(cap, base * 2^(n-1)). */
  backoffDelay(n) {
    const ceiling = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** Math.min(n - 1, 20));
    return Math.floor(this.random() * ceiling);
  }

  /**
   * After the n-th hold-off close in a row: between max(base, ceiling / 2) and the ceiling
   * min(cap, base * 2^n), so never sooner than the base and later with every refusal.
   */
  holdOffDelay(n) {
    const ceiling = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** Math.min(n, 20));
    const floor = Math.max(this.backoffBaseMs, ceiling / 2);
    return Math.floor(floor + this.random() * (ceiling - floor));
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (error) {
      return; // the server sends JSON only; nothing else is meant for this client
    }
    if (message === null || typeof message !== "object") return;
    switch (message.type) {
      case "ping":
        this.send({ type: "pong" });
        if (this.lastSeq > 0 && message.lastSeq > this.lastSeq) this.requestResync();
        return;
      case "pong":
        return;
      case "resync_ack":
        this.resyncPending = false;
        this.settleAfterResync();
        this.emit("resync_ack", message, message);
        return;
      case "error":
        if (message.error === "rate_limited" && message.details?.request === "resync") {
          this.retryResyncLater(message.details.retry_after_ms);
        }
        this.emit("error", message, message);
        return;
      default:
        break;
    }
    if (message.type === undefined && message.action) {
      this.emit(message.action, message, message);
      return;
    }
    if (typeof message.seq === "number" && !this.accept(message)) return;
    this.emit(message.type, message.data, message);
    if (message.type === "job_end") {
      // The server closes with 1000 "Job finished"; there is nothing more to follow.
      this.stopped = true;
    }
  }

  /**
   * Keeps the stream position; false for a duplicate. `lastSeq` is the contiguous watermark:
   * messages past a gap are delivered at once and remembered in `ahead`, so the replay that fills
   * the gap is delivered too and nothing is delivered twice.
   */
  accept(envelope) {
    if (this.epoch !== null && envelope.epoch !== undefined && envelope.epoch !== this.epoch) {
      this.lastSeq = 0; // a new stream: its offsets restart
      this.ahead.clear();
    }
    this.epoch = envelope.epoch ?? this.epoch;
    const seq = envelope.seq;
    if (seq <= this.lastSeq || this.ahead.has(seq)) return false;
    if (this.lastSeq === 0 || seq === this.lastSeq + 1) {
      this.lastSeq = seq;
      while (this.ahead.delete(this.lastSeq + 1)) this.lastSeq += 1;
      return true;
    }
    this.ahead.add(seq);
    if (!envelope.replay) {
      this.emit("gap", { from: this.lastSeq + 1, to: seq - 1 }, envelope);
      this.requestResync();
    }
    return true;
  }

  /** After a resync, what is still missing is gone for good: move the watermark past it. */
  settleAfterResync() {
    if (this.ahead.size > 0) {
      this.lastSeq = Math.max(this.lastSeq, ...this.ahead);
      this.ahead.clear();
    }
  }

  /**
   * The server refused a resync for now: ask again once its limit allows (the server says when,
   * bounded here to 0.1–60 s), with the position as it is then. Until then a new gap asks nothing.
   */
  retryResyncLater(retryAfterMs) {
    const delay = Math.min(60000, Math.max(100, Number(retryAfterMs) || 1000));
    this.cancelResyncRetry();
    this.resyncPending = true;
    this.resyncRetryTimer = this.timers.setTimeout(() => {
      this.resyncRetryTimer = null;
      this.resyncPending = false;
      if (this.socket && !this.stopped) this.requestResync();
    }, delay);
  }

  cancelResyncRetry() {
    if (this.resyncRetryTimer !== null) {
      this.timers.clearTimeout(this.resyncRetryTimer);
      this.resyncRetryTimer = null;
    }
  }

  requestResync() {
    if (this.resyncPending || this.resyncChannel === null) return;
    const data = { channel: this.resyncChannel, last_sequence: this.lastSeq };
    if (this.epoch !== null) data.epoch = this.epoch;
    this.resyncPending = this.send({ type: "resync", data });
  }

  setState(state, detail = {}) {
    if (this.state === state && state !== "reconnecting") return;
    this.state = state;
    this.emit("state", state, detail);
  }

  emit(type, data, envelope) {
    for (const key of [type, "*"]) {
      const set = this.listeners.get(key);
      if (!set || (key === "*" && (type === "state" || type === "gap"))) continue;
      for (const listener of [...set]) {
        try {
          listener(data, envelope);
        } catch (error) {
          // One failing callback must not stop the others or the stream.
          this.onListenerError(type, error);
        }
      }
    }
  }
}

/** Java's Character.isWhitespace: what the server's String.isBlank() looks for. */
const JAVA_BLANK = /^[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/;
/** What Java's String.trim() removes: every character up to U+0020. */
const JAVA_TRIM = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

/**
 * The patterns as the server keeps them (io.realtime.connection.Subscriptions): each trimmed and
 * lower-cased, once each, in the order given; a blank one refused.
 */
function normalizePatterns(patterns) {
  if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === "string")) {
    throw new TypeError(`patterns must be a non-empty array of strings, got ${String(patterns)}`);
  }
  const normalized = [];
  for (const pattern of patterns) {
    if (JAVA_BLANK.test(pattern)) {
      throw new TypeError(`a pattern must not be blank, got '${pattern}'`);
    }
    const kept = pattern.replace(JAVA_TRIM, "").toLowerCase();
    if (!normalized.includes(kept)) normalized.push(kept);
  }
  return normalized;
}

function appendQuery(url, name, value) {
  return url + (url.includes("?") ? "&" : "?") + name + "=" + encodeURIComponent(value);
}
