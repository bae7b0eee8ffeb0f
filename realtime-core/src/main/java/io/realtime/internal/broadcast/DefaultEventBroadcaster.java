package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.PublishReceipt;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.OwnedScheduler;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link EventBroadcaster}.
 *
 * <p>Stream messages reach the local connections through a {@link StreamFollower}: the transport's
 * listener, the catch-up after (re)subscribing and resync replays all run under its lock, so each
 * connection sees one ordered, gapless sequence.
 *
 * <p>This class is internal and is hence not for public use. Use {@link EventBroadcaster#builder}.
 */
public final class DefaultEventBroadcaster implements EventBroadcaster {

  static final String DEGRADED_MESSAGE =
      "Real-time event broadcasting is degraded. Events may be delayed or unavailable.";
  static final String RECOVERED_MESSAGE = "Real-time event broadcasting recovered.";
  private static final long OUTBOX_APPEND_TIMEOUT_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(DefaultEventBroadcaster.class);

  /**
   * The broadcaster's settings.
   *
   * @param transport the backbone
   * @param registry the local connections
   * @param transportChannel the stream channel
   * @param clientChannel the registry channel
   * @param breaker the breaker guarding the transport
   * @param timeSource the clocks
   * @param scheduler the host's scheduler, or {@code null} for an owned one
   * @param recovery the retry policy
   * @param outboxCapacity how many local-only events wait for the transport, 0 for none
   */
  public record Settings(
      Transport transport,
      ConnectionRegistry registry,
      String transportChannel,
      String clientChannel,
      CircuitBreaker breaker,
      TimeSource timeSource,
      TaskScheduler scheduler,
      RecoveryPolicy recovery,
      int outboxCapacity) {

    /**
     * Checks that every required setting is present.
     *
     * @param transport the backbone
     * @param registry the local connections
     * @param transportChannel the stream channel
     * @param clientChannel the registry channel
     * @param breaker the breaker guarding the transport
     * @param timeSource the clocks
     * @param scheduler the host's scheduler, or {@code null} for an owned one
     * @param recovery the retry policy
     * @param outboxCapacity how many local-only events wait for the transport, 0 for none
     */
    public Settings {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(transportChannel, "transportChannel");
      Objects.requireNonNull(clientChannel, "clientChannel");
      Objects.requireNonNull(breaker, "breaker");
      Objects.requireNonNull(timeSource, "timeSource");
      Objects.requireNonNull(recovery, "recovery");
      if (outboxCapacity < 0) {
        throw new IllegalArgumentException("outboxCapacity must be >= 0, got " + outboxCapacity);
      }
    }
  }

  private final Settings settings;
  private final MessageCodec codec;
  private final OwnedScheduler scheduler;
  private final InMemoryTransport fallback = InMemoryTransport.create();
  private final TransportSubscription fallbackSubscription;
  private final ResilientSubscription subscription;

  private final StreamFollower follower;
  private final Map<String, Long> replayedFrom = new ConcurrentHashMap<>();
  private final Outbox outbox;

  /** Outbox messages appended on recovery: their clients already have them. */
  private final Set<StreamPosition> deliveredBeforeAppend = new HashSet<>();

  /**
   * Creates the broadcaster.
   *
   * @param settings the settings
   */
  public DefaultEventBroadcaster(Settings settings) {
    this.settings = settings;
    this.codec = settings.registry().codec();
    this.scheduler =
        new OwnedScheduler(settings.scheduler(), "realtime-" + EventBroadcaster.SERVICE_NAME);
    this.outbox = new Outbox(settings.outboxCapacity(), settings.transportChannel());
    this.follower =
        new StreamFollower(
            settings.transport(), settings.transportChannel(), this::deliver, this::forgetEpoch);
    this.fallbackSubscription =
        fallback.subscribe(
            settings.transportChannel(), message -> deliverLocally(message.payload()));
    this.subscription =
        new ResilientSubscription(
            settings.transport(),
            List.of(settings.transportChannel()),
            this::onTransportMessage,
            settings.breaker(),
            settings.recovery(),
            scheduler.scheduler(),
            new SubscriptionEvents());
  }

  @Override
  public void start() {
    log.info(
        "Event broadcaster: {} channel {} -> clients on {}",
        settings.transport().name(),
        settings.transportChannel(),
        settings.clientChannel());
    subscription.start();
  }

  @Override
  public CompletionStage<PublishReceipt> publish(Map<String, ?> payload) {
    return publish(Envelope.fromPayload(payload));
  }

  @Override
  public CompletionStage<PublishReceipt> publish(Envelope message) {
    Objects.requireNonNull(message, "message");
    if (message.seq() != null) {
      throw new IllegalArgumentException(
          "a published message must not have a stream position, got seq=" + message.seq());
    }
    String text = codec.encode(message);
    if (subscription.isDegraded() || settings.breaker().state() != CircuitBreaker.State.CLOSED) {
      outbox.add(text);
      return publishLocally(text);
    }
    CompletionStage<PublishReceipt> sent;
    try {
      sent =
          settings
              .transport()
              .append(settings.transportChannel(), text)
              .thenApply(position -> new PublishReceipt(position, false));
    } catch (TransportException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
            (receipt, error) -> {
              if (error == null) {
                subscription.recordSuccess();
                return CompletableFuture.completedFuture(receipt);
              }
              log.warn(
                  "Publishing to {} failed, delivering locally only: {}",
                  settings.transportChannel(),
                  error.toString());
              subscription.recordFailure(error);
              outbox.add(text);
              return publishLocally(text);
            })
        .thenCompose(stage -> stage);
  }

  private CompletionStage<PublishReceipt> publishLocally(String text) {
    return fallback
        .publish(settings.transportChannel(), text)
        .thenApply(ignored -> PublishReceipt.LOCAL_ONLY);
  }

  /** A message of the in-memory path: degraded-mode publishes, delivered without position. */
  private void deliverLocally(String payload) {
    Message message = decode(payload);
    if (message != null) {
      settings.registry().broadcast(settings.clientChannel(), message);
    }
  }

  private void onTransportMessage(TransportMessage message) {
    if (message.isStream()) {
      follower.onMessage(message);
    } else {
      deliverLocally(message.payload());
    }
  }

  /** Stamps a stream message with its position and fans it out, encoded once. */
  private void deliver(TransportMessage message) {
    if (!deliveredBeforeAppend.isEmpty()
        && deliveredBeforeAppend.remove(new StreamPosition(message.seq(), message.epoch()))) {
      return;
    }
    Message decoded = decode(message.payload());
    if (decoded instanceof Envelope envelope) {
      Envelope positioned = envelope.withPosition(message.seq(), message.epoch());
      settings
          .registry()
          .broadcast(settings.clientChannel(), EncodedMessage.encode(positioned, codec));
    } else if (decoded != null) {
      settings.registry().broadcast(settings.clientChannel(), decoded);
    }
  }

  private Message decode(String payload) {
    return Payloads.decodeOrNull(codec, payload, settings.transportChannel());
  }

  @Override
  public ResyncAck resync(RegisteredConnection connection, ResyncRequest request) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(request, "request");
    // Read and encode before taking the delivery lock: a replay of a full history (a thousand
    // events from Redis) must not hold up live delivery to every other connection. Under the lock
    // only what live delivery did meanwhile is settled.
    HistoryRead read;
    try {
      read = read(connection, request, follower.epoch());
    } catch (RuntimeException e) {
      log.warn("Resync of {} failed: {}", connection.id(), e.toString());
      ResyncAck ack =
          new ResyncAck(
              request.channel(), request.lastSequence(), 0, null, null, follower.epoch(), false);
      connection.send(ack);
      return ack;
    }
    return follower.locked(() -> replay(connection, request, read));
  }

  /** What a resync read: the history, the offset replayed from, and the replays, encoded. */
  private record HistoryRead(
      StreamHistory history, long from, boolean sameEpoch, List<Replay> replays) {}

  /** A message to replay: its offset and its encoded copy marked {@code "replay": true}. */
  private record Replay(long seq, EncodedMessage message) {}

  /**
   * Reads what the client lacks, from its offset when it names the followed history (or none), from
   * the start when it names another epoch, whose offsets mean nothing here; and encodes each
   * message the connection was not already given live.
   */
  private HistoryRead read(
      RegisteredConnection connection, ResyncRequest request, String followedEpoch) {
    boolean knownEpoch = request.epoch() == null || request.epoch().equals(followedEpoch);
    long offset = knownEpoch ? Math.max(0, request.lastSequence()) : 0;
    StreamHistory history = settings.transport().since(settings.transportChannel(), offset);
    if (offset > 0 && request.epoch() != null && !request.epoch().equals(history.epoch())) {
      history = settings.transport().since(settings.transportChannel(), 0);
    }
    boolean sameEpoch = request.epoch() == null || request.epoch().equals(history.epoch());
    long from = sameEpoch ? request.lastSequence() : 0;
    // What the connection was given already, live or by an earlier replay, is not encoded: those
    // offsets never rise, so the bound taken here still holds under the lock.
    long firstQueued = connection.firstBroadcastSeq(history.epoch());
    Long replayed = replayedFrom.get(replayKey(connection, history.epoch()));
    long given =
        Math.min(
            firstQueued > 0 ? firstQueued : Long.MAX_VALUE,
            replayed == null ? Long.MAX_VALUE : replayed);
    List<Replay> replays = new ArrayList<>();
    for (TransportMessage message : history.messages()) {
      if (message.seq() > from && message.seq() < given) {
        Message decoded = decode(message.payload());
        if (decoded instanceof Envelope envelope) {
          replays.add(
              new Replay(
                  message.seq(),
                  EncodedMessage.encode(
                      envelope.withPosition(message.seq(), message.epoch()).asReplay(), codec)));
        }
      }
    }
    return new HistoryRead(history, from, sameEpoch, replays);
  }

  /** The first offset the connection got, or will get, from live delivery or an earlier replay. */
  private long coveredFrom(RegisteredConnection connection, StreamHistory history) {
    long deliveredHere = history.epoch().equals(follower.epoch()) ? follower.lastDelivered() : 0;
    long firstQueued = connection.firstBroadcastSeq(history.epoch());
    long coveredFrom = firstQueued > 0 ? firstQueued : deliveredHere + 1;
    Long replayed = replayedFrom.get(replayKey(connection, history.epoch()));
    return replayed == null ? coveredFrom : Math.min(coveredFrom, replayed);
  }

  /** Runs under the delivery lock. */
  private ResyncAck replay(
      RegisteredConnection connection, ResyncRequest request, HistoryRead read) {
    String followed = follower.epoch();
    boolean epochChanged = followed != null && !followed.equals(read.history().epoch());
    if (epochChanged || coveredFrom(connection, read.history()) - 1 > read.history().latest()) {
      // The stream moved on between the read and the lock beyond what live delivery gave this
      // connection: read again, under the lock, as rarely happens.
      try {
        read = read(connection, request, followed);
      } catch (RuntimeException e) {
        log.warn("Resync of {} failed: {}", connection.id(), e.toString());
        ResyncAck ack =
            new ResyncAck(
                request.channel(), request.lastSequence(), 0, null, null, followed, false);
        connection.send(ack);
        return ack;
      }
    }
    long coveredFrom = coveredFrom(connection, read.history());
    int count = 0;
    long firstReplayed = 0;
    for (Replay replay : read.replays()) {
      if (replay.seq() < coveredFrom) {
        connection.send(replay.message());
        count++;
        if (firstReplayed == 0) {
          firstReplayed = replay.seq();
        }
      }
    }
    if (firstReplayed > 0) {
      String key = replayKey(connection, read.history().epoch());
      if (replayedFrom.put(key, firstReplayed) == null) {
        connection.closeFuture().thenRun(() -> replayedFrom.remove(key));
      }
    }
    return ack(connection, request, read, count);
  }

  private static ResyncAck ack(
      RegisteredConnection connection, ResyncRequest request, HistoryRead read, int count) {
    boolean tooOld = read.history().isTooOld(read.from());
    ResyncAck ack =
        new ResyncAck(
            request.channel(),
            request.lastSequence(),
            count,
            tooOld ? Boolean.TRUE : null,
            tooOld ? read.history().oldest() : null,
            read.history().epoch(),
            read.sameEpoch() && !tooOld);
    connection.send(ack);
    return ack;
  }

  /** A new history: positions of the old one mean nothing any more. */
  private void forgetEpoch() {
    replayedFrom.clear();
    deliveredBeforeAppend.clear();
  }

  /**
   * Appends, in order, what was delivered locally only while the transport was away, so the other
   * instances get it too. Runs under the follower's lock: the appended offsets are recorded before
   * the subscription can deliver them, so local clients do not get them twice.
   */
  private Void flushOutbox() {
    int sent = 0;
    for (String text = outbox.peek(); text != null; text = outbox.peek()) {
      StreamPosition position;
      try {
        position =
            settings
                .transport()
                .append(settings.transportChannel(), text)
                .toCompletableFuture()
                .get(OUTBOX_APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        log.warn("Outbox flush to {} stopped: {}", settings.transportChannel(), e.toString());
        subscription.recordFailure(e);
        break;
      }
      subscription.recordSuccess();
      deliveredBeforeAppend.add(position);
      outbox.remove();
      sent++;
    }
    if (sent > 0) {
      log.info(
          "Published {} queued events to {} after recovery", sent, settings.transportChannel());
    }
    return null;
  }

  @Override
  public int outboxSize() {
    return outbox.size();
  }

  @Override
  public long outboxDropped() {
    return outbox.dropped();
  }

  private static String replayKey(RegisteredConnection connection, String epoch) {
    return connection.id() + '\u0000' + epoch;
  }

  @Override
  public String clientChannel() {
    return settings.clientChannel();
  }

  @Override
  public boolean isDegraded() {
    return subscription.isDegraded();
  }

  @Override
  public CircuitBreaker circuitBreaker() {
    return settings.breaker();
  }

  @Override
  public Optional<Envelope> degradedNotice() {
    return isDegraded()
        ? Optional.of(degradedEnvelope(settings.breaker().state()))
        : Optional.empty();
  }

  private static Envelope degradedEnvelope(CircuitBreaker.State state) {
    return Payloads.notice(SERVICE_NAME, "degraded", DEGRADED_MESSAGE, state);
  }

  @Override
  public void close() {
    subscription.close();
    fallbackSubscription.close();
    fallback.close();
    scheduler.close();
  }

  private final class SubscriptionEvents implements ResilientSubscription.Events {
    @Override
    public void onSubscribed() {
      follower.catchUp(false);
      follower.locked(DefaultEventBroadcaster.this::flushOutbox);
    }

    @Override
    public void onDegraded(CircuitBreaker.State breakerState) {
      settings.registry().broadcast(settings.clientChannel(), degradedEnvelope(breakerState));
    }

    @Override
    public void onRecovered() {
      settings
          .registry()
          .broadcast(
              settings.clientChannel(),
              Payloads.notice(
                  SERVICE_NAME, "healthy", RECOVERED_MESSAGE, settings.breaker().state()));
    }
  }
}
