package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.PublishReceipt;
import io.realtime.connection.CloseReason;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.OutboundLimits;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.stream.StreamFollower;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.observe.RealtimeObserver;
import io.realtime.observe.ResyncOutcome;
import io.realtime.time.TaskScheduler;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link EventBroadcaster}.
 *
 * <p>Stream messages reach the local connections through a {@link StreamFollower}: the transport's
 * listener, the catch-up after (re)subscribing and the settling of resync replays run under its
 * lock, so each connection sees one ordered, gapless sequence. A connection is never moved past a
 * hole: when the follower cannot give it what is missing, every connection of the channel is closed
 * with 1013 so that its client resyncs and learns what is lost, and the catch-up is retried.
 *
 * <p>Every publish carries a message id, kept by the outbox for its retries, so the transport
 * stores each event once; a {@link DeliveryLedger} makes local delivery happen once whichever path
 * delivered it. While the outbox holds events, new publishes queue behind them, so the history
 * keeps publish order; the outbox is flushed on the scheduler, one append at a time, outside the
 * delivery lock. Only this publish's own confirmed append gives a receipt with a position: an
 * append that fails after the stream carried an identical event (its own, stored late, or another
 * instance's, which cannot be told apart) is appended again from the outbox with the same message
 * id, which stores it at most once, and is delivered locally only by the stream if it is stored
 * now; its receipt says local-only. Without an outbox (capacity 0) nothing is appended again, so
 * such an event is delivered locally: had it been stored late, the local clients get it twice.
 *
 * <p>Events delivered locally while the transport was away carry no stream position. Once the
 * outbox appends them, the stream's copy is not delivered again, and a resync of a connection that
 * was open when such an event was delivered locally does not replay it (each local-only delivery
 * has a mark, each connection the mark of the first one it was there for). A connection that
 * registered after the local delivery gets the stream's copy live (or by a replay, if it resyncs
 * before the stream carries it), so a client that connected during the outage loses nothing.
 * <b>Limitation:</b> a client that got such events locally and then reconnects on a <em>new</em>
 * connection, resyncing from a position before them, is replayed them (marked {@code "replay":
 * true}): the server cannot tell a reconnecting client from a new one, and the client cannot tell
 * which of its position-less events the replay repeats.
 *
 * <p>This class is internal and is hence not for public use. Use {@link EventBroadcaster#builder}.
 */
public final class DefaultEventBroadcaster implements EventBroadcaster {

  static final String DEGRADED_MESSAGE =
      "Real-time event broadcasting is degraded. Events may be delayed or unavailable.";
  static final String RECOVERED_MESSAGE = "Real-time event broadcasting recovered.";
  private static final long OUTBOX_APPEND_TIMEOUT_SECONDS = 10;

  /** Told to every connection that would otherwise move past a hole in the stream. */
  static final CloseReason MISSED_EVENTS =
      new CloseReason(CloseReason.TRY_AGAIN_LATER, "Missed events; reconnect and resync");

  /** The ledger and the offsets given locally remember at least this many events. */
  private static final int MIN_LEDGER_CAPACITY = 1_000;

  private static final Logger log = LoggerFactory.getLogger(DefaultEventBroadcaster.class);

  /**
   * The broadcaster's settings.
   *
   * @param channel the settings shared with the system broadcaster
   * @param transportChannel the stream channel
   * @param outboxCapacity how many local-only events wait for the transport, 0 for none
   * @param maxMessageBytes the largest message accepted, in UTF-8 bytes as delivered: the
   *     connections' outbound byte bound, since a larger message closes every connection it is sent
   *     to
   * @param observer who is told of resyncs, already guarded
   */
  public record Settings(
      ChannelSettings channel,
      String transportChannel,
      int outboxCapacity,
      long maxMessageBytes,
      RealtimeObserver observer) {

    /**
     * Checks that every required setting is present.
     *
     * @param channel the settings shared with the system broadcaster
     * @param transportChannel the stream channel
     * @param outboxCapacity how many local-only events wait for the transport, 0 for none
     * @param maxMessageBytes the largest message accepted, in UTF-8 bytes as delivered
     * @param observer who is told of resyncs, already guarded
     */
    public Settings {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(transportChannel, "transportChannel");
      Objects.requireNonNull(observer, "observer");
      if (outboxCapacity < 0) {
        throw new IllegalArgumentException("outboxCapacity must be >= 0, got " + outboxCapacity);
      }
      if (maxMessageBytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
      }
    }
  }

  private final Settings settings;
  private final ChannelSettings shared;
  private final MessageCodec codec;
  private final ResilientChannel resilient;
  private final TaskScheduler scheduler;

  private final StreamFollower follower;
  private final Map<String, Long> replayedFrom = new ConcurrentHashMap<>();
  private final Outbox outbox;
  private final DeliveryLedger ledger;

  /** Counts the local-only deliveries of queued events: each one's mark. */
  private final AtomicLong localDeliveries = new AtomicLong();

  /** Per open connection of the client channel, the first local-only delivery it was there for. */
  private final Map<String, Long> presentSince = new ConcurrentHashMap<>();

  /**
   * Offsets of {@link #givenLocallyEpoch} whose events the local clients got without position, with
   * the mark of that delivery; bounded like the ledger. Guarded by itself.
   */
  private final Map<Long, Long> givenLocally;

  private String givenLocallyEpoch;

  /** Guards the two scheduling flags below. */
  private final Object scheduling = new Object();

  /** A flush is scheduled or running; only one runs at a time, to keep the outbox's order. */
  private boolean flushPending;

  /** A retry of the follower's catch-up after a hole is scheduled. */
  private boolean catchUpPending;

  private int catchUpRetries;
  private int flushed;
  private volatile boolean closed;

  /**
   * Creates the broadcaster.
   *
   * @param settings the settings
   */
  public DefaultEventBroadcaster(Settings settings) {
    this.settings = settings;
    this.shared = settings.channel();
    this.codec = shared.registry().codec();
    this.outbox = new Outbox(settings.outboxCapacity(), settings.transportChannel());
    int remembered = Math.max(settings.outboxCapacity(), MIN_LEDGER_CAPACITY);
    this.ledger = new DeliveryLedger(remembered);
    this.givenLocally =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > remembered;
          }
        };
    this.follower =
        new StreamFollower(
            shared.transport(),
            settings.transportChannel(),
            this::deliver,
            this::forgetEpoch,
            this::onHole);
    this.resilient =
        new ResilientChannel(
            shared,
            List.of(settings.transportChannel()),
            this::onTransportMessage,
            new ResilientChannel.Notices(SERVICE_NAME, DEGRADED_MESSAGE, RECOVERED_MESSAGE),
            new ResilientChannel.Hooks() {
              @Override
              public void onSubscribed() {
                follower.catchUp(false);
                scheduleFlush(Duration.ZERO);
              }

              @Override
              public void onRecovered() {
                // The flush waits for a closed breaker and no degraded mode: both hold only now.
                scheduleFlush(Duration.ZERO);
              }
            });
    this.scheduler = resilient.scheduler();
  }

  @Override
  public void start() {
    log.info(
        "Event broadcaster: {} channel {} -> clients on {}",
        shared.transport().name(),
        settings.transportChannel(),
        shared.clientChannel());
    resilient.start();
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
    requireDeliverable(message.type(), text);
    Outbox.Entry entry = new Outbox.Entry(UUID.randomUUID().toString(), text, true);
    if (resilient.isDegraded() || shared.breaker().state() != CircuitBreaker.State.CLOSED) {
      return publishLocally(message, text, enqueue(entry));
    }
    if (!follower.hasStarted()) {
      // Not following the stream yet (the first subscription waits for its confirmation): an
      // append now could land before the position the first catch-up takes, and the local clients
      // would never get it. Delivered locally and queued; the flush appends it once followed.
      long mark = enqueue(entry);
      scheduleFlush(Duration.ZERO);
      return publishLocally(message, text, mark);
    }
    long behindMark = DeliveryLedger.NOT_DELIVERED;
    boolean behind = false;
    synchronized (outbox) {
      if (!outbox.isEmpty()) {
        // Older events still wait for the transport: this one goes behind them, or it would
        // reach the other instances first.
        behindMark = enqueue(entry);
        behind = true;
      }
    }
    if (behind) {
      scheduleFlush(Duration.ZERO);
      return publishLocally(message, text, behindMark);
    }
    ledger.appending(text);
    CompletionStage<StreamPosition> appended;
    try {
      appended = shared.transport().append(settings.transportChannel(), text, entry.id());
    } catch (TransportException e) {
      appended = CompletableFuture.failedFuture(e);
    } catch (RuntimeException e) {
      ledger.appended(text); // never in flight
      throw e;
    }
    return appended
        .handle(
            (position, error) -> {
              if (error == null) {
                ledger.appended(text);
                resilient.recordSuccess();
                return CompletableFuture.completedFuture(new PublishReceipt(position, false));
              }
              resilient.recordFailure(error);
              long mark = outbox.isEnabled() ? markPresent() : DeliveryLedger.NOT_DELIVERED;
              if (ledger.appendFailed(text, mark) && outbox.isEnabled()) {
                // The stream carried an identical event meanwhile: this append's own, stored
                // after all, or another instance's. No position is claimed, and it is not
                // delivered locally: the outbox appends it again with the same message id, which
                // stores it at most once, and the stream delivers it if it was not stored yet.
                log.warn(
                    "Publishing to {} failed after an identical event was streamed; appending it"
                        + " again with its message id: {}",
                    settings.transportChannel(),
                    error.toString());
                dropped(outbox.add(entry.notDelivered()));
                scheduleFlush(Duration.ZERO);
                return CompletableFuture.completedFuture(PublishReceipt.LOCAL_ONLY);
              }
              log.warn(
                  "Publishing to {} failed, delivering locally only: {}",
                  settings.transportChannel(),
                  error.toString());
              dropped(outbox.add(entry));
              scheduleFlush(Duration.ZERO);
              return publishLocally(message, text, mark);
            })
        .thenCompose(stage -> stage);
  }

  /**
   * Refuses a message larger than a connection's byte bound: queued on a connection, it would close
   * it as a slow consumer, every client, on every delivery and replay.
   */
  private void requireDeliverable(String type, String text) {
    long bytes = EncodedMessage.ofText(type, text, null, null).utf8Length();
    if (bytes + OutboundLimits.POSITION_ALLOWANCE_BYTES > settings.maxMessageBytes()) {
      throw new IllegalArgumentException(
          "a "
              + type
              + " message of "
              + bytes
              + " bytes is larger than the connections' byte bound of "
              + settings.maxMessageBytes()
              + " bytes (with "
              + OutboundLimits.POSITION_ALLOWANCE_BYTES
              + " bytes for its stream position): no client could receive it");
    }
  }

  /**
   * Queues an event for the transport that the caller delivers locally, recorded first so that the
   * stream does not deliver it again once appended.
   *
   * @return the mark of the local delivery, {@link DeliveryLedger#NOT_DELIVERED} without outbox
   */
  private long enqueue(Outbox.Entry entry) {
    long mark = DeliveryLedger.NOT_DELIVERED;
    if (outbox.isEnabled()) {
      mark = markPresent();
      ledger.deliveredLocally(entry.text(), mark);
    }
    dropped(outbox.add(entry));
    return mark;
  }

  /** An event the outbox dropped will never be appended: no stream message consumes its record. */
  private void dropped(Outbox.Entry entry) {
    if (entry != null && entry.deliveredLocally()) {
      ledger.dropped(entry.text());
    }
  }

  /**
   * Marks a local-only delivery about to be made: every connection of the client channel not yet
   * marked is recorded as present since this mark. Connections that register later get no mark for
   * it, so a replay still gives them the event. The delivery goes to the marked connections only:
   * one registering between the mark and the delivery gets it from the stream, as one registering
   * after the delivery does, never from both.
   */
  private long markPresent() {
    long mark = localDeliveries.incrementAndGet();
    for (RegisteredConnection connection : shared.registry().connections(shared.clientChannel())) {
      String id = connection.id();
      if (presentSince.putIfAbsent(id, mark) == null) {
        connection.closeFuture().thenRun(() -> presentSince.remove(id, mark));
      }
    }
    return mark;
  }

  /**
   * Gives a stream message the local clients got at {@code mark} to the connections that were not
   * there then but are marked present by {@code now}: they registered during the outage.
   */
  private void deliverToLaterConnections(TransportMessage message, long mark, long now) {
    EncodedMessage spliced = spliced(message, false);
    if (spliced != null) {
      sendToPresent(spliced.type(), () -> spliced, since -> since > mark && since <= now);
      return;
    }
    if (!(decode(message.payload()) instanceof Envelope envelope)) {
      return;
    }
    sendToPresent(
        envelope.type(),
        () -> EncodedMessage.encode(envelope.withPosition(message.seq(), message.epoch()), codec),
        since -> since > mark && since <= now);
  }

  /**
   * Sends a message, encoded once and only if someone gets it, to the connections of the client
   * channel that want its type and whose presence mark {@code present} accepts.
   */
  private void sendToPresent(String type, Supplier<EncodedMessage> encode, LongPredicate present) {
    EncodedMessage encoded = null;
    for (RegisteredConnection recipient :
        shared.registry().recipients(shared.clientChannel(), type)) {
      Long since = presentSince.get(recipient.id());
      if (since != null && present.test(since)) {
        if (encoded == null) {
          encoded = encode.get();
        }
        recipient.send(encoded);
      }
    }
  }

  /**
   * The stream carried, at {@code seq}, an event that every connection present at {@code mark} got
   * without a broadcast: locally, or from {@link #deliverToLaterConnections}.
   */
  private void givenLocally(String epoch, long seq, long mark) {
    synchronized (givenLocally) {
      if (!epoch.equals(givenLocallyEpoch)) {
        givenLocally.clear();
        givenLocallyEpoch = epoch;
      }
      givenLocally.put(seq, mark);
    }
  }

  /**
   * Whether the connection got the stream message outside a broadcast: locally, without position,
   * while the transport was away, or when the stream carried it after that.
   */
  private boolean hadLocally(RegisteredConnection connection, String epoch, long seq) {
    Long since = presentSince.get(connection.id());
    if (since == null) {
      return false;
    }
    Long mark;
    synchronized (givenLocally) {
      mark = epoch.equals(givenLocallyEpoch) ? givenLocally.get(seq) : null;
    }
    return mark != null && since <= mark;
  }

  /**
   * Delivers an event this instance encoded, without stream position, as its text: nothing is
   * decoded or encoded again on the way to the clients. Delivers on the publishing thread, before
   * the publish returns: a later publish that reaches the clients through the stream can then never
   * overtake it.
   */
  private CompletionStage<PublishReceipt> publishLocally(Envelope message, String text, long mark) {
    if (message.data() instanceof Map<?, ?> && decode(text) == null) {
      // Data given as a map, not as its typed record, is checked as the stream path checks it:
      // what the codec cannot read back reaches no client (decodeOrNull logged why).
      return CompletableFuture.completedFuture(PublishReceipt.LOCAL_ONLY);
    }
    String type = message.type();
    EncodedMessage local = EncodedMessage.ofText(type, text, null, null);
    if (mark == DeliveryLedger.NOT_DELIVERED) {
      shared.registry().broadcast(shared.clientChannel(), local);
    } else {
      // To the connections marked present by the mark: the ones its ledger record counts as
      // having it. Any other gets it when the stream carries it.
      sendToPresent(type, () -> local, since -> since <= mark);
    }
    return CompletableFuture.completedFuture(PublishReceipt.LOCAL_ONLY);
  }

  /** A plain message on the channel, published without stream position by another producer. */
  private void deliverLocally(String payload) {
    Message message = decode(payload);
    if (message != null) {
      shared.registry().broadcast(shared.clientChannel(), message);
    }
  }

  private void onTransportMessage(TransportMessage message) {
    if (message.isStream()) {
      follower.onMessage(message);
    } else {
      deliverLocally(message.payload());
    }
  }

  /**
   * Stamps a stream message with its position and fans it out, encoded once: its publisher's text
   * with the position spliced in, decoded and encoded only when the codec cannot splice it.
   */
  private void deliver(TransportMessage message) {
    long mark = ledger.streamed(message.payload());
    if (mark != DeliveryLedger.NOT_DELIVERED) {
      // This instance's own event, which the connections present at its local delivery already
      // have; those that registered since get it now. Every connection present now has it, so a
      // replay must not give it again to any of them.
      long now = markPresent();
      givenLocally(message.epoch(), message.seq(), now);
      deliverToLaterConnections(message, mark, now);
      return;
    }
    EncodedMessage spliced = spliced(message, false);
    if (spliced != null) {
      shared.registry().broadcast(shared.clientChannel(), spliced);
      return;
    }
    Message decoded = decode(message.payload());
    if (decoded instanceof Envelope envelope) {
      Envelope positioned = envelope.withPosition(message.seq(), message.epoch());
      shared.registry().broadcast(shared.clientChannel(), EncodedMessage.encode(positioned, codec));
    } else if (decoded != null) {
      shared.registry().broadcast(shared.clientChannel(), decoded);
    }
  }

  private Message decode(String payload) {
    return Payloads.decodeOrNull(codec, payload, settings.transportChannel());
  }

  /**
   * The publisher's text with the stream position spliced in, as the clients get it; {@code null}
   * when the codec cannot splice it and the caller decodes and encodes.
   */
  private EncodedMessage spliced(TransportMessage message, boolean replay) {
    return Payloads.splicedOrNull(codec, message.payload(), message.seq(), message.epoch(), replay);
  }

  @Override
  public ResyncAck resync(RegisteredConnection connection, ResyncRequest asked) {
    ResyncAck ack = answer(connection, asked);
    settings.observer().resynced(outcome(ack));
    return ack;
  }

  private static ResyncOutcome outcome(ResyncAck ack) {
    if (Boolean.TRUE.equals(ack.recovered())) {
      return ResyncOutcome.RECOVERED;
    }
    return Boolean.TRUE.equals(ack.gapTooOld())
        ? ResyncOutcome.TOO_OLD
        : ResyncOutcome.NOT_RECOVERED;
  }

  private ResyncAck answer(RegisteredConnection connection, ResyncRequest asked) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(asked, "request");
    // A client told of a stream that did not exist yet has every message of the one that follows:
    // its "no epoch" is no other history.
    ResyncRequest request =
        StreamHistory.NO_EPOCH.equals(asked.epoch())
            ? new ResyncRequest(asked.channel(), asked.lastSequence(), null)
            : asked;
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
              request.channel(),
              request.lastSequence(),
              0,
              null,
              null,
              wireEpoch(follower.epoch()),
              false);
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
   * message the connection was not already given live and would be given live: its subscription
   * filter applies to replays as it does to broadcasts.
   */
  private HistoryRead read(
      RegisteredConnection connection, ResyncRequest request, String followedEpoch) {
    boolean knownEpoch = request.epoch() == null || request.epoch().equals(followedEpoch);
    long offset = knownEpoch ? Math.max(0, request.lastSequence()) : 0;
    StreamHistory history = shared.transport().since(settings.transportChannel(), offset);
    if (offset > 0 && request.epoch() != null && !request.epoch().equals(history.epoch())) {
      history = shared.transport().since(settings.transportChannel(), 0);
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
    Map<String, Boolean> wanted = new HashMap<>();
    for (TransportMessage message : history.messages()) {
      if (message.seq() > from
          && message.seq() < given
          && !hadLocally(connection, message.epoch(), message.seq())) {
        EncodedMessage spliced = spliced(message, true);
        Message decoded = spliced == null ? decode(message.payload()) : null;
        String type =
            spliced != null ? spliced.type() : decoded instanceof Envelope e ? e.type() : null;
        if (type != null && wanted.computeIfAbsent(type, t -> receives(connection, t))) {
          replays.add(
              new Replay(
                  message.seq(),
                  spliced != null
                      ? spliced
                      : EncodedMessage.encode(
                          ((Envelope) decoded)
                              .withPosition(message.seq(), message.epoch())
                              .asReplay(),
                          codec)));
        }
      }
    }
    return new HistoryRead(history, from, sameEpoch, replays);
  }

  /** Whether a broadcast of {@code type} reaches the connection: the registry's own test. */
  private boolean receives(RegisteredConnection connection, String type) {
    for (RegisteredConnection recipient :
        shared.registry().recipients(connection.channel(), type)) {
      if (recipient.id().equals(connection.id())) {
        return true;
      }
    }
    return false;
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
                request.channel(),
                request.lastSequence(),
                0,
                null,
                null,
                wireEpoch(followed),
                false);
        connection.send(ack);
        return ack;
      }
    }
    long coveredFrom = coveredFrom(connection, read.history());
    List<EncodedMessage> burst = new ArrayList<>(read.replays().size());
    long firstReplayed = 0;
    String epoch = read.history().epoch();
    for (Replay replay : read.replays()) {
      // Checked again under the lock: the stream may have carried a locally given event since the
      // read, giving it to the connections that lacked it.
      if (replay.seq() < coveredFrom && !hadLocally(connection, epoch, replay.seq())) {
        burst.add(replay.message());
        if (firstReplayed == 0) {
          firstReplayed = replay.seq();
        }
      }
    }
    int count = burst.size();
    if (count > 0) {
      // One server-made burst, flow-controlled by the connection and never counted as the client
      // being slow.
      connection.sendBurst(burst);
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
            wireEpoch(read.history().epoch()),
            read.sameEpoch() && !tooOld);
    connection.send(ack);
    return ack;
  }

  /** The epoch as clients are told it: none for a stream that does not exist (yet). */
  private static String wireEpoch(String epoch) {
    return StreamHistory.NO_EPOCH.equals(epoch) ? null : epoch;
  }

  /**
   * A new history: positions of the old one mean nothing any more. The ledger is kept: what waits
   * in the outbox is appended to the new history and must still not reach local clients twice.
   */
  private void forgetEpoch() {
    replayedFrom.clear();
    synchronized (givenLocally) {
      givenLocally.clear();
      givenLocallyEpoch = null;
    }
  }

  /**
   * The follower cannot give the connections what is missing (the history cannot be read, or no
   * longer holds it). Every connection of the channel is closed with 1013, so that its client
   * resyncs and learns what is lost rather than moving past the hole unannounced; the catch-up is
   * retried with backoff. Called under the delivery lock, before anything past the hole is
   * delivered: a closing connection takes no more messages.
   */
  private void onHole(String reason) {
    var connections = shared.registry().connections(shared.clientChannel());
    log.warn(
        "Closing the {} connections of {} with 1013 so that their clients resync: {}",
        connections.size(),
        shared.clientChannel(),
        reason);
    for (RegisteredConnection connection : connections) {
      connection.close(MISSED_EVENTS);
    }
    int retries;
    synchronized (scheduling) {
      if (catchUpPending) {
        return;
      }
      catchUpPending = true;
      retries = ++catchUpRetries;
    }
    scheduler.schedule(this::retryCatchUp, shared.recovery().delay(retries));
  }

  /**
   * Retries the catch-up after a hole, without waiting for the next message to reveal it. While the
   * subscription is down there is nothing to retry: subscribing again catches up anyway.
   */
  private void retryCatchUp() {
    synchronized (scheduling) {
      catchUpPending = false;
    }
    if (!closed && resilient.isActive() && follower.catchUp(false)) {
      synchronized (scheduling) {
        catchUpRetries = 0;
      }
      scheduleFlush(Duration.ZERO); // events queued before the first catch-up succeeded
    }
  }

  /** Starts a flush unless one is scheduled or running, or there is nothing to flush. */
  private void scheduleFlush(Duration delay) {
    synchronized (scheduling) {
      if (flushPending || outbox.isEmpty()) {
        return;
      }
      flushPending = true;
    }
    scheduler.schedule(this::flushNext, delay);
  }

  /**
   * Appends the oldest outbox event, with the id of its first append, and on success schedules the
   * next: the flush runs on the scheduler one append at a time, holding no lock, so a long outbox
   * neither holds up live delivery nor ties up the transport's threads. It stops at the first
   * failure and tries again after a backoff step, or when the subscription recovers. The local
   * clients have these events already; the ledger keeps the stream from delivering them again.
   */
  private void flushNext() {
    Outbox.Entry entry = outbox.takeForAppend();
    if (entry == null
        || closed
        || !follower.hasStarted()
        || resilient.isDegraded()
        || shared.breaker().state() != CircuitBreaker.State.CLOSED) {
      if (entry != null) {
        outbox.done(entry, false);
      }
      flushStopped(entry == null);
      return;
    }
    CompletableFuture<StreamPosition> appended;
    try {
      appended =
          shared
              .transport()
              .append(settings.transportChannel(), entry.text(), entry.id())
              .toCompletableFuture();
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    appended
        .orTimeout(OUTBOX_APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .whenComplete(
            (position, error) -> {
              if (error != null) {
                log.warn(
                    "Outbox flush to {} stopped: {}",
                    settings.transportChannel(),
                    error.toString());
                outbox.done(entry, false);
                resilient.recordFailure(error);
                flushStopped(false);
                scheduleFlush(shared.recovery().delay(1));
                return;
              }
              resilient.recordSuccess();
              outbox.done(entry, true);
              flushed++;
              scheduler.schedule(this::flushNext, Duration.ZERO);
            });
  }

  private void flushStopped(boolean drained) {
    int sent;
    synchronized (scheduling) {
      flushPending = false;
      sent = flushed;
      flushed = 0;
    }
    if (sent > 0) {
      log.info("Published {} queued events to {}", sent, settings.transportChannel());
    }
    if (drained) {
      // A failed publish may have queued an event after the last look and found this flush still
      // running.
      scheduleFlush(Duration.ZERO);
    }
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
    return shared.clientChannel();
  }

  @Override
  public boolean isDegraded() {
    return resilient.isDegraded();
  }

  @Override
  public boolean isLive() {
    return follower.hasStarted() && resilient.isActive() && !resilient.isDegraded();
  }

  @Override
  public CircuitBreaker circuitBreaker() {
    return shared.breaker();
  }

  @Override
  public Optional<Envelope> degradedNotice() {
    return resilient.degradedNotice();
  }

  @Override
  public void close() {
    closed = true;
    int left = outbox.size();
    if (left > 0) {
      // Never silently: these reached this instance's clients only.
      log.warn(
          "Closing with {} events in the outbox of {}, not appended: the other instances' clients"
              + " will not get them",
          left,
          settings.transportChannel());
    }
    resilient.close();
  }
}
