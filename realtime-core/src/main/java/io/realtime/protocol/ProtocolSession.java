package io.realtime.protocol;

import io.realtime.connection.CloseReason;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.ClientMessage;
import io.realtime.message.ErrorCode;
import io.realtime.message.ErrorReply;
import io.realtime.message.InvalidPayloadException;
import io.realtime.message.MessageFormatException;
import io.realtime.message.Ping;
import io.realtime.message.Pong;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.message.SubscriptionAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's side of the protocol, as the original's receive loop (§1.4–1.5):
 *
 * <ul>
 *   <li>A message longer than the limit gets a {@code validation_error} and is ignored; the
 *       connection stays. A binary frame gets an {@code invalid_message_format} error.
 *   <li>The raw text {@code ping} gets {@code {"type":"pong"}}; JSON types are case-insensitive:
 *       {@code ping} gets a pong, {@code pong} nothing, {@code subscribe} / {@code unsubscribe}
 *       change the connection's filter and are acknowledged (a request past the connection's {@link
 *       io.realtime.connection.SubscriptionLimits} gets a {@code validation_error} naming the
 *       limit), {@code resync} replays; anything else gets {@code unknown_message_type}.
 *   <li>Resyncs run on the protocol's resync executor, one at a time per connection: a request that
 *       arrives while one runs waits, and further ones replace the waiting one, so a flood costs at
 *       most two replays. Each connection may start at most {@link ResyncLimit} resyncs per window;
 *       past it, a {@code validation_error} says to try again later.
 *   <li>Every client frame resets the idle timer; after the idle timeout the connection is closed
 *       with 1000 {@code Idle timeout}. A heartbeat {@code {"type":"ping","lastSeq":N}} goes out
 *       every ping interval, N being the last offset the connection received.
 *   <li>An unexpected failure closes the connection with 1011 {@code Internal error}.
 * </ul>
 *
 * <p>Frames of one connection arrive one at a time (containers guarantee it). The timers of all the
 * protocol's connections share one entry on its scheduler, so they fire less than a tick (1 s, or
 * the shorter of the two intervals) late; nothing of this connection stays queued on the scheduler
 * once it closes. Everything stops when the connection closes.
 */
public final class ProtocolSession {

  /** The close of an idle connection. */
  public static final CloseReason IDLE_TIMEOUT =
      new CloseReason(CloseReason.NORMAL_CLOSURE, "Idle timeout");

  /** The close after an internal error. */
  public static final CloseReason INTERNAL_ERROR =
      new CloseReason(CloseReason.INTERNAL_ERROR, "Internal error");

  static final List<String> SUPPORTED_TYPES =
      List.of("ping", "pong", "subscribe", "unsubscribe", "resync");

  /** What {@link #fireTimers} returns once the session needs no more timers. */
  static final long NO_TIMERS = -1;

  private static final Logger log = LoggerFactory.getLogger(ProtocolSession.class);

  private final ClientProtocol protocol;
  private final RegisteredConnection connection;
  private volatile long lastActivityNanos;

  /** When the next heartbeat is due; read and written by the protocol's ticker only. */
  private long nextPingNanos;

  private final ResyncState resyncs = new ResyncState();

  ProtocolSession(ClientProtocol protocol, RegisteredConnection connection) {
    this.protocol = protocol;
    this.connection = connection;
    long now = protocol.time().nanoTime();
    this.lastActivityNanos = now;
    this.nextPingNanos = now + protocol.pingInterval().toNanos();
    protocol.ticker().add(this);
    connection.closeFuture().thenRun(this::close);
  }

  /**
   * Handles a text frame from the client.
   *
   * @param text the frame
   */
  public void onText(String text) {
    touch();
    try {
      handle(text);
    } catch (RuntimeException e) {
      onError(e);
    }
  }

  /** Handles a binary frame from the client: this protocol is JSON text only. */
  public void onBinary() {
    touch();
    connection.send(
        new ErrorReply(
            ErrorCode.INVALID_MESSAGE_FORMAT,
            "Binary frames are not supported; send JSON text",
            Map.of("validation_errors", List.of("binary frame"))));
  }

  /**
   * Handles an unexpected failure of the connection: closes it with 1011.
   *
   * @param error the failure
   */
  public void onError(Throwable error) {
    log.warn("Connection {} failed; closing it with 1011", connection.id(), error);
    connection.close(INTERNAL_ERROR);
  }

  private void handle(String text) {
    if (text.length() > protocol.maxMessageChars()) {
      connection.send(
          new ErrorReply(
              ErrorCode.VALIDATION_ERROR,
              "Message too large ("
                  + text.length()
                  + " characters, max "
                  + protocol.maxMessageChars()
                  + ")",
              Map.of("size", text.length(), "max_size", protocol.maxMessageChars())));
      return;
    }
    if (text.equals("ping")) {
      connection.send(Pong.INSTANCE);
      return;
    }
    ClientMessage message;
    try {
      message = protocol.codec().decodeClient(text);
    } catch (MessageFormatException e) {
      connection.send(e.toErrorReply());
      return;
    }
    switch (message.normalizedType()) {
      case "ping" -> connection.send(Pong.INSTANCE);
      case "pong" -> {
        // activity only
      }
      case "subscribe" -> subscribe(message);
      case "unsubscribe" -> unsubscribe(message);
      case "resync" -> resync(message);
      default ->
          connection.send(
              new ErrorReply(
                  ErrorCode.UNKNOWN_MESSAGE_TYPE,
                  "Unknown message type: " + message.normalizedType(),
                  Map.of("supported_types", SUPPORTED_TYPES)));
    }
  }

  private void subscribe(ClientMessage message) {
    List<String> patterns = patterns(message.data());
    if (patterns == null || patterns.isEmpty()) {
      connection.send(
          new ErrorReply(
              ErrorCode.VALIDATION_ERROR,
              "Subscribe message must include 'events' array",
              Map.of(
                  "example",
                  Map.of("type", "subscribe", "data", Map.of("events", List.of("alert.*"))))));
      return;
    }
    try {
      connection.send(SubscriptionAck.subscribed(connection.subscriptions().subscribe(patterns)));
    } catch (IllegalArgumentException e) {
      connection.send(new ErrorReply(ErrorCode.VALIDATION_ERROR, e.getMessage(), null));
    }
  }

  private void unsubscribe(ClientMessage message) {
    List<String> patterns = patterns(message.data());
    if (patterns == null || patterns.isEmpty()) {
      List<String> all = connection.subscriptions().patterns();
      connection.subscriptions().unsubscribeAll();
      connection.send(SubscriptionAck.unsubscribed(all));
      return;
    }
    try {
      connection.send(
          SubscriptionAck.unsubscribed(connection.subscriptions().unsubscribe(patterns)));
    } catch (IllegalArgumentException e) {
      connection.send(new ErrorReply(ErrorCode.VALIDATION_ERROR, e.getMessage(), null));
    }
  }

  /** The patterns of {@code data.events}, falling back to {@code data.channels}; null if absent. */
  private static List<String> patterns(Map<String, Object> data) {
    if (data == null) {
      return null;
    }
    Object list = data.get("events") != null ? data.get("events") : data.get("channels");
    if (!(list instanceof List<?> items)) {
      return null;
    }
    List<String> patterns = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof String pattern)) {
        return null;
      }
      patterns.add(pattern);
    }
    return patterns;
  }

  private void resync(ClientMessage message) {
    ResyncRequest request;
    try {
      request = ResyncRequest.fromData(message.data());
    } catch (InvalidPayloadException e) {
      connection.send(
          new ErrorReply(ErrorCode.VALIDATION_ERROR, e.getMessage(), Map.of("field", e.field())));
      return;
    }
    synchronized (resyncs) {
      if (resyncs.running && resyncs.pending != null) {
        // One replay is under way and another waits: the waiting one is answered with the newest
        // position the client gave, so a flood costs at most two replays.
        resyncs.pending = request;
        return;
      }
      long now = protocol.time().nanoTime();
      if (!resyncs.tryAcquire(now, protocol.resyncLimit())) {
        ResyncLimit limit = protocol.resyncLimit();
        long retryAfterMillis =
            Math.max(1, TimeUnit.NANOSECONDS.toMillis(resyncs.nanosUntilFree(now, limit)));
        connection.send(
            new ErrorReply(
                ErrorCode.RATE_LIMITED,
                "Too many resync requests: at most "
                    + limit.maxRequests()
                    + " per "
                    + describe(limit.window())
                    + " (resync_limit); try again later",
                Map.of(
                    "request",
                    "resync",
                    "limit",
                    limit.maxRequests(),
                    "window_ms",
                    limit.window().toMillis(),
                    "retry_after_ms",
                    retryAfterMillis)));
        return;
      }
      if (resyncs.running) {
        resyncs.pending = request;
        return;
      }
      resyncs.running = true;
    }
    try {
      protocol.resyncExecutor().execute(() -> runResyncs(request));
    } catch (RejectedExecutionException e) {
      synchronized (resyncs) {
        resyncs.running = false;
        resyncs.pending = null;
      }
      log.debug("Resync of {} refused by its executor", connection.id());
    }
  }

  /** A window as people read it: {@code 10 s}, or {@code 250 ms} below a whole second. */
  private static String describe(Duration window) {
    long millis = window.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  /** Replays, then any request that arrived meanwhile; one at a time per connection. */
  private void runResyncs(ResyncRequest first) {
    ResyncRequest request = first;
    while (request != null) {
      try {
        replay(request);
      } catch (RuntimeException e) {
        log.warn("Resync of {} failed", connection.id(), e);
      }
      synchronized (resyncs) {
        request = resyncs.pending;
        resyncs.pending = null;
        if (request == null) {
          resyncs.running = false;
        }
      }
    }
  }

  private void replay(ResyncRequest request) {
    if (!connection.isOpen()) {
      return;
    }
    if (protocol.resyncSource() != null) {
      protocol.resyncSource().resync(connection, request);
    } else {
      connection.send(
          new ResyncAck(request.channel(), request.lastSequence(), 0, null, null, null, null));
    }
  }

  /** The connection's resync state: one replay at a time, one waiting, a sliding-window budget. */
  private static final class ResyncState {
    private boolean running;
    private ResyncRequest pending;
    private long[] accepted = new long[0];
    private int next;

    /** Takes one request from the budget, or says it is spent. */
    boolean tryAcquire(long nowNanos, ResyncLimit limit) {
      if (accepted.length != limit.maxRequests()) {
        accepted = new long[limit.maxRequests()];
        Arrays.fill(accepted, Long.MIN_VALUE);
      }
      long oldest = accepted[next];
      if (oldest != Long.MIN_VALUE && nowNanos - oldest < limit.window().toNanos()) {
        return false;
      }
      accepted[next] = nowNanos;
      next = (next + 1) % accepted.length;
      return true;
    }

    /** How long until the oldest accepted request leaves the window; 0 if there is room now. */
    long nanosUntilFree(long nowNanos, ResyncLimit limit) {
      long oldest = accepted.length == 0 ? Long.MIN_VALUE : accepted[next];
      return oldest == Long.MIN_VALUE
          ? 0
          : Math.max(0, oldest + limit.window().toNanos() - nowNanos);
    }
  }

  private void touch() {
    lastActivityNanos = protocol.time().nanoTime();
  }

  /**
   * Closes the connection if it was idle for the idle timeout, else sends the heartbeat if due;
   * called by the protocol's ticker, one call at a time. Neither blocks: the ping is queued and the
   * close finishes off this thread.
   *
   * @param now the ticker's reading of the clock
   * @return the nanoseconds until this session's next timer, or {@link #NO_TIMERS}
   */
  long fireTimers(long now) {
    if (!connection.isOpen()) {
      return NO_TIMERS;
    }
    long untilIdle = protocol.idleTimeout().toNanos() - (now - lastActivityNanos);
    if (untilIdle <= 0) {
      log.debug("Closing idle connection {}", connection.id());
      connection.close(IDLE_TIMEOUT);
      return NO_TIMERS;
    }
    long pingNanos = protocol.pingInterval().toNanos();
    if (now - nextPingNanos >= 0) {
      connection.send(new Ping(connection.lastSeq()));
      // Keeps the connection's own phase, so pings average one per interval; a ticker that fell a
      // whole interval behind sends one ping, not a burst.
      nextPingNanos += pingNanos;
      if (now - nextPingNanos >= 0) {
        nextPingNanos = now + pingNanos;
      }
    }
    return Math.min(untilIdle, nextPingNanos - now);
  }

  /** Stops the timers; runs when the connection closes, by either side. Idempotent. */
  public void close() {
    protocol.ticker().remove(this);
  }
}
