package io.realtime.broadcast;

import static io.realtime.broadcast.EventBroadcasterTest.WAIT;
import static io.realtime.broadcast.EventBroadcasterTest.awaitEvents;
import static io.realtime.broadcast.EventBroadcasterTest.event;
import static io.realtime.broadcast.EventBroadcasterTest.eventIds;
import static io.realtime.broadcast.EventBroadcasterTest.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.OutboundLimits;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ForwardingTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broadcaster's delivery guarantees under faults (issue 14): a client never moves past a hole
 * unannounced, local delivery happens once whichever path delivered it, the outbox keeps publish
 * order and never holds up live delivery, and replays honour the client's filter.
 */
class EventBroadcasterGuaranteesTest {

  private static final String CHANNEL = "security_events";
  private static final MessageCodec CODEC = MessageCodec.json();

  /** A jitter source whose {@code nextDouble()} is 0.5, so every jitter is exactly 20 %. */
  private static final RandomGenerator MIDDLE_JITTER = () -> Long.MIN_VALUE;

  private final Closeables closeables = new Closeables();
  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = closeLater(InMemoryTransport.create());
  private final ConnectionRegistry registry = closeLater(ConnectionRegistry.builder().build());

  @AfterEach
  void tearDown() throws Exception {
    closeables.close();
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    return closeables.add(closeable);
  }

  private EventBroadcaster broadcaster(Transport transport) {
    EventBroadcaster broadcaster =
        closeLater(
            EventBroadcaster.builder(transport, registry)
                .timeSource(time)
                .scheduler(time)
                .random(MIDDLE_JITTER)
                .build());
    broadcaster.start();
    return broadcaster;
  }

  /** Starts a broadcaster on {@code transport} once {@code client} has event 1 through it. */
  private EventBroadcaster afterFirstEvent(Transport transport, RecordingConnection client) {
    EventBroadcaster broadcaster = broadcaster(transport);
    publish(broadcaster, 1);
    awaitEvents(client, 1);
    return broadcaster;
  }

  private RecordingConnection client(String id) {
    RecordingConnection connection = new RecordingConnection(id);
    registry.register("events", connection);
    return connection;
  }

  private static void publish(EventBroadcaster broadcaster, int n) {
    broadcaster.publish(event(n)).toCompletableFuture().join();
  }

  /** Publishes as another instance that reaches the backbone. */
  private void publishElsewhere(int n) {
    backbone.append(CHANNEL, CODEC.encode(event(n))).toCompletableFuture().join();
  }

  private List<Long> historyIds() {
    return backbone.since(CHANNEL, 0).messages().stream()
        .map(m -> ((Envelope) CODEC.decode(m.payload())).dataAs(SecurityEvent.class).id())
        .toList();
  }

  private static void assertClosedToResync(RecordingConnection client) {
    CloseReason reason = client.awaitClose(WAIT);
    assertThat(reason.code()).isEqualTo(CloseReason.TRY_AGAIN_LATER);
    assertThat(reason.reason()).containsIgnoringCase("resync");
  }

  // --- 14.3: a hole closes the clients with 1013

  @Test
  void aFailedGapFillClosesTheClientsAndALaterResyncRecoversWhatTheyMissed() {
    HoleTransport holes = closeLater(new HoleTransport(backbone));
    RecordingConnection client = client("before-the-hole");
    EventBroadcaster broadcaster = afterFirstEvent(holes, client);
    String epoch = events(client).get(0).epoch();

    holes.dropLive(2);
    holes.failNextRead();
    publish(broadcaster, 2); // lost on its way to this instance
    publish(broadcaster, 3); // reveals the gap, whose history read fails

    assertClosedToResync(client);
    RecordingConnection witness = client("witness");
    publish(broadcaster, 4); // the history is readable again: the follower fills the gap
    awaitEvents(witness, 3);
    assertThat(eventIds(client))
        .as("nothing past the hole, as if nothing was missing")
        .containsExactly(1L);

    RecordingConnection reconnected = new RecordingConnection("reconnected");
    RegisteredConnection registered = registry.register("events", reconnected);
    ResyncAck ack = broadcaster.resync(registered, new ResyncRequest("events", 1, epoch));
    publish(broadcaster, 5);

    assertThat(ack.recovered()).isTrue();
    assertThat(ack.replayedCount()).isEqualTo(3);
    awaitEvents(reconnected, 4);
    assertThat(events(reconnected)).extracting(Envelope::seq).containsExactly(2L, 3L, 4L, 5L);
    assertThat(events(reconnected))
        .extracting(Envelope::replay)
        .containsExactly(true, true, true, false);
    assertThat(eventIds(witness)).containsExactly(2L, 3L, 4L, 5L);
  }

  @Test
  void aFailedCatchUpAfterResubscribingClosesTheClientsAndIsRetried() {
    FlakyTransport flaky = new FlakyTransport(backbone);
    HoleTransport holes = closeLater(new HoleTransport(flaky));
    RecordingConnection client = client("before-the-outage");
    EventBroadcaster broadcaster = afterFirstEvent(holes, client);
    String epoch = events(client).get(0).epoch();

    flaky.fail();
    flaky.heal();
    publishElsewhere(2);
    holes.failNextRead();
    time.advance(time.untilNextTask()); // resubscribes; its catch-up cannot read the history

    assertClosedToResync(client);
    assertThat(eventIds(client)).containsExactly(1L);
    RecordingConnection witness = client("witness");
    time.advance(Duration.ofSeconds(2)); // the catch-up is retried without waiting for a message
    awaitEvents(witness, 1);
    assertThat(events(witness)).extracting(Envelope::seq).containsExactly(2L);

    RecordingConnection reconnected = new RecordingConnection("reconnected");
    RegisteredConnection registered = registry.register("events", reconnected);
    ResyncAck ack = broadcaster.resync(registered, new ResyncRequest("events", 1, epoch));
    assertThat(ack.recovered()).isTrue();
    assertThat(ack.replayedCount()).isEqualTo(1);
    awaitEvents(reconnected, 1);
    assertThat(events(reconnected)).extracting(Envelope::seq).containsExactly(2L);
  }

  // --- 14.2: message ids, local delivery exactly once

  @Test
  void anAppendThatTimedOutButRanLaterIsDeliveredLocallyOnceAndStoredOnce() {
    LateAppendTransport late = closeLater(new LateAppendTransport(backbone));
    RecordingConnection client = client("c");
    EventBroadcaster broadcaster = afterFirstEvent(late, client);

    late.timeOutNextAppend();
    PublishReceipt receipt = broadcaster.publish(event(2)).toCompletableFuture().join();
    awaitEvents(client, 2);
    late.runLateAppends(); // the command that "timed out" runs anyway: offset 2 on the stream
    time.advance(Duration.ofSeconds(2)); // the outbox appends it again, with the same id
    publish(broadcaster, 3);
    awaitEvents(client, 3);

    assertThat(receipt.localOnly()).isTrue();
    assertThat(late.ids).as("every append carries an id, the retry the first one's").hasSize(4);
    assertThat(late.ids.get(1)).isEqualTo(late.ids.get(2)).isNotNull();
    assertThat(broadcaster.outboxSize()).isZero();
    assertThat(historyIds()).as("one copy of event 2 in the history").containsExactly(1L, 2L, 3L);
    await()
        .during(Duration.ofMillis(200))
        .atMost(WAIT)
        .until(() -> eventIds(client).equals(List.of(1L, 2L, 3L)));
  }

  @Test
  void anAppendStoredBeforeItFailedIsNotDeliveredLocallyAgain() {
    LateAppendTransport late = closeLater(new LateAppendTransport(backbone));
    EventBroadcaster broadcaster = broadcaster(late);
    RecordingConnection client = client("c");

    late.storeThenFailNextAppend();
    broadcaster.publish(event(1)).toCompletableFuture().join();
    time.advance(Duration.ofSeconds(2));
    publish(broadcaster, 2);

    awaitEvents(client, 2);
    assertThat(historyIds()).containsExactly(1L, 2L);
    await()
        .during(Duration.ofMillis(200))
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(eventIds(client)).containsExactly(1L, 2L));
  }

  // --- 14.5 / 14.8: the outbox keeps publish order and flushes outside the delivery lock

  /** A broadcaster cut off from the backbone, its client, and the gate of its appends. */
  private record Outage(
      GatedTransport gated,
      FlakyTransport flaky,
      EventBroadcaster broadcaster,
      RecordingConnection client) {}

  /** Degrades a broadcaster and publishes events 1 to {@code published} locally only. */
  private Outage outageWith(int published) {
    GatedTransport gated = new GatedTransport(backbone);
    FlakyTransport flaky = closeLater(new FlakyTransport(gated));
    EventBroadcaster broadcaster = broadcaster(flaky);
    RecordingConnection client = client("c");
    flaky.fail();
    while (!broadcaster.isDegraded()) {
      time.advance(time.untilNextTask());
    }
    for (int n = 1; n <= published; n++) {
      publish(broadcaster, n);
    }
    awaitEvents(client, published);
    return new Outage(gated, flaky, broadcaster, client);
  }

  @Test
  void afterRecoveryNewPublishesQueueBehindTheOutbox() {
    Outage outage = outageWith(3);
    GatedTransport gated = outage.gated();
    EventBroadcaster broadcaster = outage.broadcaster();
    RecordingConnection client = outage.client();

    outage.flaky().heal();
    gated.holdAppend(1);
    time.advance(Duration.ofSeconds(30)); // recovered; the flush waits on its first append
    assertThat(broadcaster.isDegraded()).isFalse();
    PublishReceipt fourth = broadcaster.publish(event(4)).toCompletableFuture().join();
    gated.release();

    awaitFlushed(broadcaster);
    assertThat(fourth.localOnly()).as("queued behind the outbox").isTrue();
    assertThat(historyIds()).as("history order is publish order").containsExactly(1L, 2L, 3L, 4L);
    publish(broadcaster, 5);
    awaitEvents(client, 5);
    assertThat(eventIds(client)).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void aLongOutboxFlushDoesNotHoldUpLiveDelivery() throws Exception {
    Outage outage = outageWith(1_000);
    GatedTransport gated = outage.gated();
    EventBroadcaster broadcaster = outage.broadcaster();
    RecordingConnection client = outage.client();

    outage.flaky().heal();
    gated.holdAppend(500);
    CompletableFuture<Void> recovery =
        CompletableFuture.runAsync(() -> time.advance(Duration.ofSeconds(30)));
    try {
      assertThat(gated.holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      publishElsewhere(5_000);
      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () ->
                  assertThat(eventIds(client))
                      .as("a live event while the outbox flush is in progress")
                      .hasSize(1_001)
                      .endsWith(5_000L));
    } finally {
      gated.release();
    }
    recovery.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    awaitFlushed(broadcaster);
    assertThat(backbone.since(CHANNEL, 0).latest()).as("appended once each").isEqualTo(1_001);
    assertThat(eventIds(client)).as("the flushed events are not delivered again").hasSize(1_001);
  }

  /** Runs the flush's steps, which the released append schedules on the manual clock. */
  private void awaitFlushed(EventBroadcaster broadcaster) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              time.runDueTasks();
              return broadcaster.outboxSize() == 0;
            });
  }

  // --- 14.8: replay honours the subscription filter

  @Test
  void aReplayGivesOnlyWhatTheConnectionSubscribedTo() {
    EventBroadcaster broadcaster = broadcaster(backbone);
    RecordingConnection witness = client("witness");
    publish(broadcaster, 1);
    broadcaster
        .publish(Envelope.of("alert.created", Map.of("id", "a1")))
        .toCompletableFuture()
        .join();
    publish(broadcaster, 2);
    broadcaster
        .publish(Envelope.of("alert.cleared", Map.of("id", "a1")))
        .toCompletableFuture()
        .join();
    await().atMost(WAIT).until(() -> witness.texts().size() == 4);
    RecordingConnection alertsOnly = new RecordingConnection("alerts-only");
    RegisteredConnection registered = registry.register("events", alertsOnly);
    registered.subscriptions().subscribe(List.of("alert.*"));

    ResyncAck ack = broadcaster.resync(registered, new ResyncRequest("events", 0, null));

    assertThat(ack.replayedCount()).isEqualTo(2);
    await().atMost(WAIT).until(() -> alertsOnly.texts().size() == 3);
    assertThat(alertsOnly.texts().get(0)).contains("alert.created").contains("\"replay\":true");
    assertThat(alertsOnly.texts().get(1)).contains("alert.cleared").contains("\"replay\":true");
    assertThat(alertsOnly.texts().get(2)).contains("resync_ack");
  }

  // --- 14.7: a message no connection could hold is refused at publish

  @Test
  void aMessageLargerThanTheConnectionByteBoundIsRefused() {
    EventBroadcaster broadcaster = broadcaster(backbone);
    RecordingConnection client = client("c");
    long bound = OutboundLimits.DEFAULT.maxBytes();
    Envelope huge = Envelope.of("blob", Map.of("data", "x".repeat((int) bound)));

    assertThatThrownBy(() -> broadcaster.publish(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(CODEC.encode(huge).length()))
        .hasMessageContaining(String.valueOf(bound));

    publish(broadcaster, 1);
    awaitEvents(client, 1);
    assertThat(client.closeReason()).isNull();
    assertThat(historyIds()).containsExactly(1L);
  }

  // --- test transports

  /** Drops chosen live stream messages and fails a history read on demand. */
  private static final class HoleTransport extends ForwardingTransport {
    private final AtomicLong dropSeq = new AtomicLong(-1);
    private final AtomicBoolean failRead = new AtomicBoolean();

    HoleTransport(Transport delegate) {
      super(delegate);
    }

    void dropLive(long seq) {
      dropSeq.set(seq);
    }

    void failNextRead() {
      failRead.set(true);
    }

    @Override
    public TransportSubscription subscribe(String channel, TransportListener listener) {
      return delegate.subscribe(
          channel,
          new TransportListener() {
            @Override
            public void onMessage(io.realtime.transport.TransportMessage message) {
              if (message.seq() != null && dropSeq.compareAndSet(message.seq(), -1)) {
                return;
              }
              listener.onMessage(message);
            }

            @Override
            public void onFailure(Throwable cause) {
              listener.onFailure(cause);
            }
          });
    }

    @Override
    public StreamHistory since(String channel, long offset) {
      if (failRead.getAndSet(false)) {
        throw new TransportException("history read failed (simulated)", null);
      }
      return delegate.since(channel, offset);
    }
  }

  /**
   * An append that reports a timeout: either it runs later (the command was stalled, not lost) or
   * it was stored before the error reached the caller.
   */
  private static final class LateAppendTransport extends ForwardingTransport {
    final List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> lateAppends = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicBoolean late = new AtomicBoolean();
    private final AtomicBoolean storedFirst = new AtomicBoolean();

    LateAppendTransport(Transport delegate) {
      super(delegate);
    }

    void timeOutNextAppend() {
      late.set(true);
    }

    void storeThenFailNextAppend() {
      storedFirst.set(true);
    }

    void runLateAppends() {
      lateAppends.forEach(Runnable::run);
      lateAppends.clear();
    }

    @Override
    public CompletionStage<StreamPosition> append(
        String channel, String payload, String id, Duration retention) {
      ids.add(String.valueOf(id));
      if (late.getAndSet(false)) {
        lateAppends.add(
            () -> delegate.append(channel, payload, id, retention).toCompletableFuture().join());
        return CompletableFuture.failedFuture(
            new TransportException("timed out (simulated)", null));
      }
      if (storedFirst.getAndSet(false)) {
        delegate.append(channel, payload, id, retention).toCompletableFuture().join();
        return CompletableFuture.failedFuture(
            new TransportException("timed out (simulated)", null));
      }
      return delegate.append(channel, payload, id, retention);
    }
  }

  /** Holds the n-th append from now until released; the appends after it go through. */
  private static final class GatedTransport extends ForwardingTransport {
    private final AtomicInteger untilHeld = new AtomicInteger();
    private final CountDownLatch released = new CountDownLatch(1);
    final CountDownLatch holding = new CountDownLatch(1);

    GatedTransport(Transport delegate) {
      super(delegate);
    }

    void holdAppend(int nth) {
      untilHeld.set(nth);
    }

    void release() {
      released.countDown();
    }

    @Override
    public CompletionStage<StreamPosition> append(
        String channel, String payload, String id, Duration retention) {
      if (untilHeld.get() > 0 && untilHeld.decrementAndGet() == 0) {
        holding.countDown();
        return CompletableFuture.runAsync(
                () -> {
                  try {
                    released.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                })
            .thenCompose(ignored -> delegate.append(channel, payload, id, retention));
      }
      return delegate.append(channel, payload, id, retention);
    }
  }
}
