package io.realtime.client;

import io.realtime.connection.SubscriptionLimits;
import io.realtime.connection.Subscriptions;
import io.realtime.internal.util.Backoff;
import io.realtime.message.ClientMessage;
import io.realtime.message.Envelope;
import io.realtime.message.ErrorCode;
import io.realtime.message.ErrorReply;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.MessageTypes;
import io.realtime.message.Ping;
import io.realtime.message.SubscriptionAck;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.message.payload.ShutdownNotice;
import io.realtime.time.TaskScheduler;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java client of the realtime endpoints, on the standard Jakarta WebSocket client API.
 *
 * <ul>
 *   <li>It authenticates with an API key (query or {@code api-key.} subprotocol) and/or a token.
 *   <li>It answers the server's pings, so the server's idle timeout never closes a live client.
 *   <li>It reconnects with exponential backoff and full jitter (base 1 s, cap 30 s, a bounded
 *       number of attempts that fail to open), except after a 1008 refusal (authentication,
 *       policy), which is final.
 *   <li>After a 1013 "try again later" (rate limit, connection caps, slow consumer) it waits at
 *       least a minimum that grows with each refusal in a row (see {@link
 *       Builder#reconnect(Duration, Duration, int)}), so a refused crowd does not hammer the
 *       server; such refusals never use up the attempts. 1003, 1007 and 1009 (the server could not
 *       take what was sent) are retried the same way.
 *   <li>{@link Builder#onDisconnect(Consumer)} tells the application every close's code and reason,
 *       and whether and when the client tries again.
 *   <li>It remembers its subscriptions ({@link #subscribe(Collection)}, {@link
 *       #unsubscribe(Collection)}, {@link #unsubscribeAll()}) and sends them again on every
 *       reconnect, before its resync, so the replay and what follows are filtered as before: first
 *       the set the server acknowledged, then each request it has not acknowledged on its own, so a
 *       request the server refuses never widens what it filters.
 *   <li>It follows {@code seq}: a gap (or a heartbeat's {@code lastSeq} ahead of it) triggers a
 *       resync, and after a reconnect it resyncs from its last {@code seq}; duplicates are dropped.
 *   <li>Callbacks per message type; {@code system.shutdown} and {@code service_status} have their
 *       own.
 * </ul>
 *
 * <p>{@link #connect()} returns at once: the first attempt and every retry run in the background.
 * {@link #close()} ends the connection and the retries.
 */
public final class RealtimeClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RealtimeClient.class);
  private static final String API_KEY_PROTOCOL = "api-key.";

  /** Authentication and policy: final. */
  private static final int POLICY_VIOLATION = 1008;

  /**
   * Closes after which the client holds off before it retries: 1013 try again later, and 1003, 1007
   * and 1009, the server could not take what this connection sent (a fresh connection can, but an
   * application that sends the same again must not loop fast).
   */
  private static final Set<Integer> HOLD_OFF_CODES = Set.of(1003, 1007, 1009, 1013);

  /** {@link #confirmed} mirrors what the server accepted: the client's own limits do not apply. */
  private static final SubscriptionLimits UNBOUNDED =
      new SubscriptionLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

  private final Builder settings;
  private final MessageCodec codec = MessageCodec.json();
  private final ScheduledExecutorService ownedScheduler;
  private final TaskScheduler scheduler;
  private volatile Session session;
  private volatile boolean closed;

  /**
   * Guards {@link #subscriptions} and the frames that tell the server of them, so that what the
   * server holds follows the same order of changes as this client.
   */
  private final Object subscriptionLock = new Object();

  /**
   * The subscriptions as this client asked for them (the confirmed ones changed by the requests not
   * yet acknowledged); it enforces the client's {@link SubscriptionLimits}.
   */
  private final Subscriptions subscriptions;

  /**
   * The filter the server acknowledged ({@code subscribed} / {@code unsubscribed}) on the current
   * or last connection; receive-all until the first acknowledged subscribe. A fresh connection gets
   * it back first: the server accepted it before, so it fits the server's limits.
   */
  private final Subscriptions confirmed = new Subscriptions(UNBOUNDED);

  /** The patterns whose acknowledged removal left {@link #confirmed} empty (receives nothing). */
  private List<String> emptiedBy = List.of();

  /**
   * The subscribe and unsubscribe requests not acknowledged yet, in the order made: made while
   * closed, sent and not answered yet, or refused by the server. Each is sent again on its own
   * after the confirmed set on every new connection, so a refused one can only be refused again on
   * its own. {@link #unsubscribeAll()} clears it; a request equal to one waiting here (and not in
   * flight) replaces it, so repeating a refused request does not make the list grow.
   */
  private final List<Request> pending = new ArrayList<>();

  /**
   * The requests sent on the current connection, in order, each awaiting its one answer: an
   * acknowledgement or a {@code validation_error} (the server answers them in order).
   */
  private final ArrayDeque<Request> inFlight = new ArrayDeque<>();

  /** Between {@link #connect()} and the end of its retries (given up, 1008, closed). */
  private boolean running;

  /** Attempts in a row that did not open. */
  private int attempts;

  /** Hold-off closes in a row with no message from the server in between. */
  private int holdOffs;

  private long lastSeq;
  private final NavigableSet<Long> ahead = new TreeSet<>();
  private String epoch;
  private boolean resyncPending;

  /** Asks again for a resync the server rate-limited; {@code null} when none is due. */
  private TaskScheduler.Cancellable resyncRetry;

  private RealtimeClient(Builder settings) {
    this.settings = settings;
    this.subscriptions = new Subscriptions(settings.subscriptionLimits);
    if (settings.scheduler == null) {
      ownedScheduler =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "realtime-client");
                thread.setDaemon(true);
                return thread;
              });
      scheduler = TaskScheduler.of(ownedScheduler);
    } else {
      ownedScheduler = null;
      scheduler = settings.scheduler;
    }
  }

  /**
   * Returns a builder.
   *
   * @param uri the endpoint, for example {@code ws://host:8080/ws/events}
   * @return the builder
   */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * Connects, retrying with backoff in the background if the first attempt fails. While the client
   * is connected or retrying, a further call does nothing; after it stopped (the attempts ran out,
   * or a 1008 refusal) a call starts again.
   *
   * @return this client
   * @throws IllegalStateException after {@link #close()}
   */
  public RealtimeClient connect() {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the client was closed; build a new one");
      }
      if (running) {
        return this; // one connection (or one series of attempts) at a time
      }
      running = true;
      attempts = 0;
      holdOffs = 0;
    }
    try {
      scheduler.schedule(this::attempt, Duration.ZERO);
    } catch (RejectedExecutionException e) { // close() shut the owned scheduler meanwhile
      throw new IllegalStateException("the client was closed; build a new one", e);
    }
    return this;
  }

  /**
   * Tells whether the client is connected.
   *
   * @return {@code true} while a session is open
   */
  public boolean isConnected() {
    Session current = session;
    return current != null && current.isOpen();
  }

  /**
   * Returns the stream offset up to which everything was received.
   *
   * @return the offset, {@code 0} before any
   */
  public synchronized long lastSeq() {
    return lastSeq;
  }

  /**
   * Sends a text frame as is. Nothing sent this way is remembered across reconnects: subscribe with
   * {@link #subscribe(Collection)}, which is. Do not send subscribe or unsubscribe frames this way:
   * the client pairs the server's answers with its own requests in order.
   *
   * @param text the frame
   * @throws IOException if it cannot be sent
   * @throws IllegalStateException if not connected
   */
  public void send(String text) throws IOException {
    Session current = session;
    if (current == null || !current.isOpen()) {
      throw new IllegalStateException("not connected to " + settings.uri);
    }
    synchronized (current) {
      current.getBasicRemote().sendText(text);
    }
  }

  /**
   * Receives only event types matching these patterns (shell-style: {@code alert.*}, {@code *},
   * compared in lower case), in addition to those already subscribed. The request is sent now if
   * connected, else on connect; once the server acknowledged it, its patterns are part of the set
   * sent again after every reconnect, before the resync. Until then (or when the server refuses it,
   * logged at WARN) it is sent again after each reconnect on its own.
   *
   * @param patterns the patterns, at least one; each non-blank and within the {@link
   *     Builder#subscriptionLimits(SubscriptionLimits) limits}
   * @return this client
   * @throws IllegalArgumentException naming the bad pattern or the limit passed; nothing changes
   */
  public RealtimeClient subscribe(Collection<String> patterns) {
    synchronized (subscriptionLock) {
      List<String> added = subscriptions.subscribe(patterns);
      frames("subscribe", added).forEach(this::request);
    }
    return this;
  }

  /**
   * Stops receiving event types of these patterns. After a subscribe, removing every pattern
   * receives nothing (as the server does); {@link #unsubscribeAll()} returns to receive-all.
   *
   * @param patterns the patterns to remove
   * @return this client
   * @throws IllegalArgumentException naming a bad pattern or the limit passed; nothing changes
   */
  public RealtimeClient unsubscribe(Collection<String> patterns) {
    synchronized (subscriptionLock) {
      List<String> removed = subscriptions.unsubscribe(patterns);
      if (removed.isEmpty()) {
        return this; // the server holds none of them either
      }
      frames("unsubscribe", removed).forEach(this::request);
    }
    return this;
  }

  /**
   * Removes every subscription: the client receives every event type again, now and after
   * reconnects.
   *
   * @return this client
   */
  public RealtimeClient unsubscribeAll() {
    synchronized (subscriptionLock) {
      subscriptions.unsubscribeAll();
      confirmed.unsubscribeAll();
      emptiedBy = List.of();
      pending.clear();
      // A fresh connection receives everything: nothing is left to restore. The answers to what is
      // in flight, this request's included, must not change that, so they are only consumed.
      int unanswered = inFlight.size() + 1;
      inFlight.clear();
      if (isConnected()) {
        sendQuietly(frame("unsubscribe", Map.of()));
        for (int i = 0; i < unanswered; i++) {
          inFlight.add(Request.IGNORED);
        }
      }
    }
    return this;
  }

  /**
   * Returns the subscribed patterns as this client asked for them, normalised (lower case, no
   * duplicates), in the order added: those the server acknowledged, changed by the requests it has
   * not acknowledged yet (made while closed, in flight, or refused by the server, which are asked
   * again after each reconnect). What the server filters may be narrower, never wider.
   *
   * @return the patterns; empty while the client receives every type (never subscribed, or after
   *     {@link #unsubscribeAll()}) and after every pattern was unsubscribed
   */
  public List<String> subscriptions() {
    return subscriptions.patterns();
  }

  /**
   * Sends what makes a fresh connection's filter this client's: first the confirmed filter (none
   * for receive-all; its patterns in requests of at most the per-request limit; for one left empty,
   * a subscribe and an unsubscribe of what emptied it, since a fresh connection receives
   * everything), then each pending request on its own, as it was made.
   */
  private void restore() {
    inFlight.clear();
    List<String> frames = new ArrayList<>();
    if (confirmed.isExplicit()) {
      List<String> patterns = confirmed.patterns();
      if (!patterns.isEmpty()) {
        frames.addAll(frames("subscribe", patterns));
      } else {
        frames.addAll(frames("subscribe", emptiedBy));
        frames.addAll(frames("unsubscribe", emptiedBy));
      }
    }
    for (String frame : frames) {
      sendQuietly(frame);
      inFlight.add(new Request(frame)); // its answer re-applies what is confirmed already
    }
    for (Request request : pending) {
      sendQuietly(request.frame);
      inFlight.add(request);
    }
  }

  /** Remembers a subscribe or unsubscribe request until acknowledged; sends it if connected. */
  private void request(String frame) {
    Request request = new Request(frame);
    pending.removeIf(waiting -> waiting.frame.equals(frame) && !inFlight.contains(waiting));
    pending.add(request);
    if (isConnected()) {
      sendQuietly(frame);
      inFlight.add(request);
    }
  }

  /**
   * Applies the server's answer to the oldest request in flight: an acknowledgement confirms it, a
   * {@code validation_error} (without a {@code field}: not a resync's) leaves it pending.
   */
  private void onSubscriptionAnswer(Message message) {
    boolean acknowledged = message instanceof SubscriptionAck;
    if (!acknowledged
        && !(message instanceof ErrorReply reply
            && reply.error() == ErrorCode.VALIDATION_ERROR
            && (reply.details() == null || !reply.details().containsKey("field")))) {
      return;
    }
    synchronized (subscriptionLock) {
      Request request = inFlight.poll();
      if (request == null || request == Request.IGNORED) {
        return;
      }
      if (!acknowledged) {
        if (!request.warned && request.frame.startsWith("{\"type\":\"subscribe\"")) {
          request.warned = true;
          log.warn(
              "{} refused a subscribe ({}): {}; asking again after each reconnect",
              settings.uri,
              request.frame,
              ((ErrorReply) message).message());
        }
        return;
      }
      pending.remove(request);
      SubscriptionAck ack = (SubscriptionAck) message;
      if (ack.events().isEmpty()) {
        return;
      }
      if (MessageTypes.SUBSCRIBED.equals(ack.action())) {
        confirmed.subscribe(ack.events());
      } else if (!confirmed.unsubscribe(ack.events()).isEmpty() && confirmed.patterns().isEmpty()) {
        emptiedBy = ack.events();
      }
    }
  }

  /** A subscribe or unsubscribe request, as sent; identity tells two equal requests apart. */
  private static final class Request {
    /** Stands for an answer to consume without effect. */
    static final Request IGNORED = new Request("");

    final String frame;

    /** Whether a refusal of it was logged already. */
    boolean warned;

    Request(String frame) {
      this.frame = frame;
    }
  }

  /** {@code subscribe} or {@code unsubscribe} requests, each within the per-request limit. */
  private List<String> frames(String type, List<String> patterns) {
    int perRequest = subscriptions.limits().maxPatternsPerRequest();
    List<String> frames = new ArrayList<>();
    for (int from = 0; from < patterns.size(); from += perRequest) {
      List<String> chunk = patterns.subList(from, Math.min(patterns.size(), from + perRequest));
      frames.add(frame(type, Map.of("events", chunk)));
    }
    return frames;
  }

  private String frame(String type, Map<String, Object> data) {
    return codec.encodeClient(new ClientMessage(type, data));
  }

  private void attempt() {
    if (closed) {
      return;
    }
    Listener listener = new Listener();
    try {
      ClientEndpointConfig.Builder config = ClientEndpointConfig.Builder.create();
      if (settings.apiKey != null && settings.apiKeyInSubprotocol) {
        config.preferredSubprotocols(List.of(API_KEY_PROTOCOL + settings.apiKey));
      }
      settings.container.connectToServer(listener, config.build(), target());
    } catch (Exception e) {
      if (listener.opened) {
        return; // it opened, so its close decides what comes next
      }
      log.debug("Connecting to {} failed: {}", settings.uri, e.toString());
      scheduleReconnect(true);
    }
  }

  private URI target() {
    StringBuilder query = new StringBuilder();
    if (settings.apiKey != null && !settings.apiKeyInSubprotocol) {
      query.append("api_key=").append(URLEncoder.encode(settings.apiKey, StandardCharsets.UTF_8));
    }
    if (settings.token != null) {
      query
          .append(query.length() == 0 ? "" : "&")
          .append("token=")
          .append(URLEncoder.encode(settings.token, StandardCharsets.UTF_8));
    }
    String base = settings.uri.toString();
    return query.length() == 0
        ? settings.uri
        : URI.create(base + (base.contains("?") ? "&" : "?") + query);
  }

  /**
   * Schedules the next attempt, or gives up when the attempts ran out.
   *
   * @param failedToOpen {@code true} after an attempt that did not open, which counts against
   *     {@link Builder#reconnect(Duration, Duration, int) maxAttempts}; {@code false} after a
   *     connection that opened and closed, which does not
   * @return the delay before the next attempt; empty when there is none
   */
  private Optional<Duration> scheduleReconnect(boolean failedToOpen) {
    boolean givingUp;
    Duration delay;
    synchronized (this) {
      if (closed) {
        return Optional.empty();
      }
      if (failedToOpen) {
        attempts++;
      }
      givingUp = attempts >= settings.maxAttempts;
      if (givingUp) {
        running = false;
      }
      double random = settings.random.nextDouble();
      delay =
          holdOffs > 0
              ? holdOffDelay(holdOffs, settings.backoffBase, settings.backoffCap, random)
              : backoffDelay(attempts + 1, settings.backoffBase, settings.backoffCap, random);
    }
    if (givingUp) {
      log.warn("Giving up on {} after {} attempts", settings.uri, settings.maxAttempts);
      callSafely("onGiveUp", settings.onGiveUp);
      return Optional.empty();
    }
    scheduler.schedule(this::attempt, delay);
    return Optional.of(delay);
  }

  /**
   * The delay before attempt {@code n} in a row: full jitter, a random share of {@code min(cap,
   * base * 2^(n-1))}.
   */
  static Duration backoffDelay(int n, Duration base, Duration cap, double random) {
    long ceiling = Backoff.ceiling(base, cap, n - 1).toMillis();
    return Duration.ofMillis((long) (random * ceiling));
  }

  /**
   * The delay after the {@code n}-th hold-off close in a row: between {@code max(base, ceiling /
   * 2)} and the ceiling {@code min(cap, base * 2^n)}, so never sooner than the base and later with
   * every refusal.
   */
  static Duration holdOffDelay(int n, Duration base, Duration cap, double random) {
    long ceiling = Backoff.ceiling(base, cap, n).toMillis();
    long floor = Math.max(base.toMillis(), ceiling / 2);
    return Duration.ofMillis(floor + (long) (random * (ceiling - floor)));
  }

  private void callSafely(String name, Runnable callback) {
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.warn("The {} callback failed", name, e);
    }
  }

  private void onText(String text) {
    synchronized (this) {
      holdOffs = 0; // the server took this connection: a refusal streak is over
    }
    Message message;
    try {
      message = codec.decode(text);
    } catch (MessageFormatException e) {
      log.debug("Ignoring an unreadable message: {}", e.getMessage());
      return;
    }
    if (message instanceof Ping ping) {
      sendQuietly(codec.encodeClient(new ClientMessage("pong", null)));
      synchronized (this) {
        if (ping.lastSeq() > lastSeq && lastSeq > 0) {
          requestResync();
        }
      }
      return;
    }
    if (message instanceof Envelope envelope) {
      if (envelope.seq() != null && !acceptPosition(envelope)) {
        return;
      }
      dispatch(envelope);
    } else {
      if (message instanceof ErrorReply reply
          && reply.error() == ErrorCode.RATE_LIMITED
          && "resync".equals(reply.details().get("request"))) {
        retryResyncLater(reply.details().get("retry_after_ms"));
      }
      onSubscriptionAnswer(message);
      Consumer<Message> other = settings.onControl;
      other.accept(message);
      if (message.type().equals(MessageTypes.RESYNC_ACK)) {
        settleAfterResync();
      }
    }
  }

  /**
   * Keeps the stream position; false for a duplicate. {@code lastSeq} is the contiguous watermark:
   * messages past a gap are delivered at once and remembered in {@code ahead}, so the replay that
   * fills the gap is delivered too and nothing is delivered twice. Asks for a resync on a gap.
   */
  private synchronized boolean acceptPosition(Envelope envelope) {
    long seq = envelope.seq();
    if (epoch != null && envelope.epoch() != null && !epoch.equals(envelope.epoch())) {
      lastSeq = 0;
      ahead.clear();
    }
    if (envelope.epoch() != null) {
      epoch = envelope.epoch();
    }
    if (seq <= lastSeq || ahead.contains(seq)) {
      return false;
    }
    if (lastSeq == 0 || seq == lastSeq + 1) {
      lastSeq = seq;
      while (ahead.remove(lastSeq + 1)) {
        lastSeq++;
      }
      return true;
    }
    ahead.add(seq);
    if (!envelope.replay()) {
      requestResync();
    }
    return true;
  }

  /** After a resync, what is still missing is gone for good: move the watermark past it. */
  private synchronized void settleAfterResync() {
    resyncPending = false;
    if (!ahead.isEmpty()) {
      lastSeq = Math.max(lastSeq, ahead.last());
      ahead.clear();
    }
  }

  /**
   * The server refused a resync for now: asks again once its limit allows (the server says when,
   * bounded here to 0.1–60 s), from the position as it is then. Until then a new gap asks nothing.
   */
  private synchronized void retryResyncLater(Object retryAfterMillis) {
    long millis = retryAfterMillis instanceof Number number ? number.longValue() : 1_000;
    Duration delay = Duration.ofMillis(Math.min(60_000, Math.max(100, millis)));
    cancelResyncRetry();
    resyncPending = true;
    resyncRetry =
        scheduler.schedule(
            () -> {
              synchronized (RealtimeClient.this) {
                resyncRetry = null;
                resyncPending = false;
                requestResync();
              }
            },
            delay);
  }

  private synchronized void cancelResyncRetry() {
    if (resyncRetry != null) {
      resyncRetry.cancel();
      resyncRetry = null;
    }
  }

  private void requestResync() {
    if (resyncPending) {
      return;
    }
    resyncPending = true;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("channel", settings.channel);
    data.put("last_sequence", lastSeq);
    if (epoch != null) {
      data.put("epoch", epoch);
    }
    String request = frame("resync", data);
    scheduler.schedule(() -> sendQuietly(request), Duration.ZERO);
  }

  private void dispatch(Envelope envelope) {
    try {
      switch (envelope.type()) {
        case MessageTypes.SYSTEM_SHUTDOWN ->
            settings.onShutdown.accept(envelope.dataAs(ShutdownNotice.class));
        case MessageTypes.SERVICE_STATUS ->
            settings.onServiceStatus.accept(envelope.dataAs(ServiceStatus.class));
        default ->
            settings.handlers.getOrDefault(envelope.type(), settings.onOther).accept(envelope);
      }
    } catch (RuntimeException e) {
      log.warn("A callback for {} failed", envelope.type(), e);
    }
  }

  private void sendQuietly(String text) {
    try {
      send(text);
    } catch (IOException | IllegalStateException e) {
      log.debug("Sending failed: {}", e.toString());
    }
  }

  /**
   * Closes the connection (1000) and stops every retry; a handshake still in flight is closed as it
   * completes. The client's own thread ends; {@link #connect()} may not be called again.
   */
  @Override
  public void close() {
    closed = true;
    cancelResyncRetry();
    Session current = session;
    if (current != null && current.isOpen()) {
      closeQuietly(current);
    }
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow();
    }
  }

  private static void closeQuietly(Session session) {
    try {
      session.close();
    } catch (IOException e) {
      log.debug("Closing failed", e);
    }
  }

  private final class Listener extends Endpoint {
    private volatile boolean opened;

    @Override
    public void onOpen(Session openedSession, EndpointConfig config) {
      opened = true;
      openedSession.addMessageHandler(String.class, RealtimeClient.this::onText);
      // The subscriptions go first, on this thread, so the server filters the resync's replay and
      // everything after it; the resync below is sent later, from the scheduler. The session is
      // published under the same lock: a subscribe() either sees no connection (and its patterns
      // are in the set sent here) or comes after that set (and sends only its own), never both.
      synchronized (subscriptionLock) {
        session = openedSession;
        // close() sets closed, then closes the session it sees; this publishes the session, then
        // reads closed: one of the two sees the other, so a handshake that ends after close() ends.
        if (closed) {
          closeQuietly(openedSession);
          return;
        }
        restore();
      }
      synchronized (RealtimeClient.this) {
        attempts = 0;
      }
      callSafely("onConnected", settings.onConnected);
      synchronized (RealtimeClient.this) {
        cancelResyncRetry();
        resyncPending = false;
        if (lastSeq > 0) {
          requestResync();
        }
      }
    }

    @Override
    public void onClose(Session closedSession, CloseReason reason) {
      int code = reason.getCloseCode().getCode();
      String phrase = reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase();
      Optional<Duration> retryIn;
      if (code == POLICY_VIOLATION) {
        log.warn("Refused by {}: {} {}; not retrying", settings.uri, code, phrase);
        retryIn = Optional.empty();
        synchronized (RealtimeClient.this) {
          running = false;
        }
      } else {
        boolean holdOff = HOLD_OFF_CODES.contains(code);
        synchronized (RealtimeClient.this) {
          holdOffs = holdOff ? holdOffs + 1 : 0;
        }
        retryIn = scheduleReconnect(false);
        if (holdOff && retryIn.isPresent()) {
          log.info(
              "{} closed with {} {}: trying again in {} ms",
              settings.uri,
              code,
              phrase,
              retryIn.get().toMillis());
        }
      }
      callSafely("onDisconnected", () -> settings.onDisconnected.accept(code));
      Disconnect disconnect = new Disconnect(code, phrase, retryIn);
      callSafely("onDisconnect", () -> settings.onDisconnect.accept(disconnect));
    }
  }

  /**
   * How a connection ended and what the client does next.
   *
   * @param code the close code, for example 1013
   * @param reason the close reason phrase, for example {@code Too many connections}; empty when the
   *     server gave none
   * @param retryIn the delay before the next attempt; empty when the client stops: after 1008,
   *     after {@link RealtimeClient#close()}, or when the attempts ran out
   */
  public record Disconnect(int code, String reason, Optional<Duration> retryIn) {

    /**
     * Validates the components.
     *
     * @param code the close code
     * @param reason the close reason phrase, not null
     * @param retryIn the delay before the next attempt, not null
     */
    public Disconnect {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(retryIn, "retryIn");
    }

    /**
     * Tells whether the client stops here.
     *
     * @return {@code true} when no attempt follows this close
     */
    public boolean isFinal() {
      return retryIn.isEmpty();
    }
  }

  /** Builds a {@link RealtimeClient}. Not thread-safe. */
  public static final class Builder {
    private final URI uri;
    private WebSocketContainer container;
    private String apiKey;
    private boolean apiKeyInSubprotocol;
    private String token;
    private String channel = "events";
    private Duration backoffBase = Duration.ofSeconds(1);
    private Duration backoffCap = Duration.ofSeconds(30);
    private int maxAttempts = 15;
    private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
    private TaskScheduler scheduler;
    private final Map<String, Consumer<Envelope>> handlers = new ConcurrentHashMap<>();
    private Consumer<Envelope> onOther = envelope -> {};
    private Consumer<Message> onControl = message -> {};
    private Consumer<ShutdownNotice> onShutdown = notice -> {};
    private Consumer<ServiceStatus> onServiceStatus = status -> {};
    private Runnable onConnected = () -> {};
    private Consumer<Integer> onDisconnected = code -> {};
    private Consumer<Disconnect> onDisconnect = disconnect -> {};
    private Runnable onGiveUp = () -> {};
    private SubscriptionLimits subscriptionLimits = SubscriptionLimits.defaults();

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /**
     * Sets the client container; {@link ContainerProvider#getWebSocketContainer()} by default.
     *
     * @param container the container
     * @return this builder
     */
    public Builder container(WebSocketContainer container) {
      this.container = Objects.requireNonNull(container, "container");
      return this;
    }

    /**
     * Authenticates with an API key.
     *
     * @param apiKey the key
     * @param inSubprotocol {@code true} to send it as the {@code api-key.<key>} subprotocol (as
     *     browsers do), {@code false} as {@code ?api_key=}
     * @return this builder
     */
    public Builder apiKey(String apiKey, boolean inSubprotocol) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      this.apiKeyInSubprotocol = inSubprotocol;
      return this;
    }

    /**
     * Authenticates with a token ({@code ?token=}).
     *
     * @param token the token
     * @return this builder
     */
    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * Sets the channel named in resync requests; {@code events} by default.
     *
     * @param channel the channel
     * @return this builder
     */
    public Builder channel(String channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /**
     * Sets the reconnect backoff: attempt {@code n} waits a random time up to {@code min(cap, base
     * * 2^(n-1))} (full jitter); 1 s, 30 s and 15 attempts by default. After the {@code n}-th 1013
     * (or 1003, 1007, 1009) in a row the wait is at least {@code max(base, c / 2)} and at most
     * {@code c = min(cap, base * 2^n)}; a message from the server ends the streak.
     *
     * @param base the base, positive
     * @param cap the cap, at least {@code base}
     * @param maxAttempts attempts in a row that fail to open before giving up, at least 1; a
     *     connection that opens and is then refused with 1013 does not count
     * @return this builder
     */
    public Builder reconnect(Duration base, Duration cap, int maxAttempts) {
      if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || maxAttempts < 1) {
        throw new IllegalArgumentException(
            "need 0 < base <= cap and maxAttempts >= 1, got base="
                + base
                + " cap="
                + cap
                + " maxAttempts="
                + maxAttempts);
      }
      this.backoffBase = base;
      this.backoffCap = cap;
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the jitter source.
     *
     * @param random the source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets where reconnects are scheduled; an owned daemon thread by default.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Handles messages of one type, for example {@code event}.
     *
     * @param type the type
     * @param handler the callback
     * @return this builder
     */
    public Builder on(String type, Consumer<Envelope> handler) {
      handlers.put(MessageTypes.requireValid(type), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Handles data messages of types without a handler.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onOther(Consumer<Envelope> handler) {
      this.onOther = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Handles control messages: pong, error, acknowledgements.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onControl(Consumer<Message> handler) {
      this.onControl = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Handles {@code system.shutdown}; the client reconnects after the close anyway.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onShutdown(Consumer<ShutdownNotice> handler) {
      this.onShutdown = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Handles {@code service_status}, including degraded-mode notices.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onServiceStatus(Consumer<ServiceStatus> handler) {
      this.onServiceStatus = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Called after each successful connection.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onConnected(Runnable handler) {
      this.onConnected = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Called after each close, with the close code; {@link #onDisconnect(Consumer)} also tells the
     * reason and what the client does next.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onDisconnected(Consumer<Integer> handler) {
      this.onDisconnected = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Called after each close with its code, its reason and the delay before the next attempt (none
     * after 1008, after {@link RealtimeClient#close()}, or when the attempts ran out), for example
     * to show "server busy, retrying in 3 s".
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onDisconnect(Consumer<Disconnect> handler) {
      this.onDisconnect = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Bounds what {@link RealtimeClient#subscribe(Collection)} accepts, as the server bounds what
     * it takes; {@link SubscriptionLimits#defaults()} (64 patterns, 64 per request, 100 characters
     * each), the server's default. Set it to the server's when that one was changed.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder subscriptionLimits(SubscriptionLimits limits) {
      this.subscriptionLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Called when the attempts ran out.
     *
     * @param handler the callback
     * @return this builder
     */
    public Builder onGiveUp(Runnable handler) {
      this.onGiveUp = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Builds the client; call {@link RealtimeClient#connect()}.
     *
     * @return the client
     */
    public RealtimeClient build() {
      if (container == null) {
        container = ContainerProvider.getWebSocketContainer();
      }
      return new RealtimeClient(this);
    }
  }
}
