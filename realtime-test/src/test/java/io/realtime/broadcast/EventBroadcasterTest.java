package io.realtime.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.InvalidPayloadException;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishing, stream stamping, filtering and resync on the in-memory transport. */
class EventBroadcasterTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final MessageCodec CODEC = MessageCodec.json();

  private final Closeables closeables = new Closeables();
  private final ManualTime time = new ManualTime();
  private InMemoryTransport transport;
  private ConnectionRegistry registry;
  private EventBroadcaster broadcaster;

  @BeforeEach
  void setUp() {
    transport = closeLater(InMemoryTransport.create());
    registry = registry();
    broadcaster = broadcaster(transport, registry);
  }

  private RecordingConnection client(String id) {
    RecordingConnection connection = new RecordingConnection(id);
    registry.register("events", connection);
    return connection;
  }

  @AfterEach
  void tearDown() throws Exception {
    closeables.close();
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    return closeables.add(closeable);
  }

  private ConnectionRegistry registry() {
    return closeLater(ConnectionRegistry.builder().build());
  }

  private EventBroadcaster broadcaster(Transport transport, ConnectionRegistry registry) {
    EventBroadcaster broadcaster =
        closeLater(
            EventBroadcaster.builder(transport, registry).timeSource(time).scheduler(time).build());
    broadcaster.start();
    return broadcaster;
  }

  static Envelope event(int n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "batch-" + n, "front_door", 40, RiskLevel.LOW, "event " + n, null));
  }

  static void publish(Broadcaster broadcaster, int n) {
    broadcaster.publish(event(n)).toCompletableFuture().join();
  }

  /** A client's view: the messages it received, decoded. */
  static List<Message> received(RecordingConnection connection) {
    return connection.texts().stream().map(CODEC::decode).toList();
  }

  static List<Envelope> events(RecordingConnection connection) {
    return received(connection).stream()
        .filter(m -> m instanceof Envelope e && e.type().equals("event"))
        .map(Envelope.class::cast)
        .toList();
  }

  static List<Long> eventIds(RecordingConnection connection) {
    return events(connection).stream().map(e -> e.dataAs(SecurityEvent.class).id()).toList();
  }

  static void awaitEvents(RecordingConnection connection, int count) {
    await().atMost(WAIT).until(() -> events(connection).size() >= count);
  }

  @Test
  void publishedEventsReachLocalClientsStampedWithSeqAndEpoch() {
    RecordingConnection client = client("ws-events-1");

    PublishReceipt first = broadcaster.publish(event(1)).toCompletableFuture().join();
    publish(broadcaster, 2);

    awaitEvents(client, 2);
    List<Envelope> events = events(client);
    assertThat(events).extracting(Envelope::seq).containsExactly(1L, 2L);
    assertThat(events).extracting(Envelope::epoch).containsOnly(first.position().epoch());
    assertThat(events).extracting(Envelope::replay).containsOnly(false);
    assertThat(first.localOnly()).isFalse();
    assertThat(first.position().seq()).isEqualTo(1);
    assertThat(client.texts().get(0))
        .endsWith(",\"seq\":1,\"epoch\":\"" + first.position().epoch() + "\"}");
  }

  private static Map<String, Object> eventPayload(int riskScore, String riskLevel) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("id", 7);
    payload.put("event_id", 7);
    payload.put("batch_id", "b");
    payload.put("camera_id", "garage");
    payload.put("risk_score", riskScore);
    payload.put("risk_level", riskLevel);
    payload.put("summary", "Vehicle");
    return payload;
  }

  @Test
  void aPayloadWithoutTypeIsValidatedAndWrappedAsAnEvent() {
    RecordingConnection client = client("c");
    Map<String, Object> payload = eventPayload(81, "Critical");

    broadcaster.publish(payload).toCompletableFuture().join();

    awaitEvents(client, 1);
    assertThat(events(client).get(0).dataAs(SecurityEvent.class).riskLevel())
        .isEqualTo(RiskLevel.CRITICAL);
  }

  @Test
  void anInvalidPayloadIsRefusedAndNothingIsPublished() {
    RecordingConnection client = client("c");
    Map<String, Object> payload = eventPayload(181, "high");

    assertThatThrownBy(() -> broadcaster.publish(payload))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("risk_score")
        .hasMessageContaining("181");

    publish(broadcaster, 1);
    awaitEvents(client, 1);
    assertThat(eventIds(client)).containsExactly(1L);
    assertThat(transport.since("security_events", 0).latest()).isEqualTo(1);
  }

  @Test
  void aPositionedMessageCannotBePublished() {
    assertThatThrownBy(() -> broadcaster.publish(event(1).withPosition(3, "e")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq=3");
  }

  @Test
  void subscriptionsFilterEvents() {
    RecordingConnection all = client("all");
    RecordingConnection alertsOnly = client("alerts");
    registry.find("alerts").orElseThrow().subscriptions().subscribe(List.of("alert.*"));

    publish(broadcaster, 1);
    broadcaster
        .publish(Envelope.of("alert.created", Map.of("id", "a1")))
        .toCompletableFuture()
        .join();

    await().atMost(WAIT).until(() -> all.texts().size() == 2);
    await().atMost(WAIT).until(() -> alertsOnly.texts().size() == 1);
    assertThat(alertsOnly.texts().get(0)).contains("alert.created").contains("\"seq\":2");
  }

  @Test
  void everyInstanceDeliversWithTheSameOffsets() {
    RecordingConnection onA = client("a");
    ConnectionRegistry registryB = registry();
    RecordingConnection onB = new RecordingConnection("b");
    registryB.register("events", onB);
    EventBroadcaster instanceB = broadcaster(transport, registryB);

    publish(broadcaster, 1);
    publish(instanceB, 2);
    publish(broadcaster, 3);

    awaitEvents(onA, 3);
    awaitEvents(onB, 3);
    assertThat(events(onA)).isEqualTo(events(onB));
    assertThat(events(onA)).extracting(Envelope::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aMessagePublishedStraightOnTheChannelReachesClientsWithoutSeq() {
    RecordingConnection client = client("c");

    transport.publish(
        "security_events",
        "{\"type\":\"event\",\"data\":{\"id\":9,\"event_id\":9,\"batch_id\":\"b\",\"camera_id\":\"c\","
            + "\"risk_score\":10,\"risk_level\":\"low\",\"summary\":\"from python\",\"started_at\":null}}");

    awaitEvents(client, 1);
    assertThat(events(client).get(0).seq()).isNull();
    assertThat(eventIds(client)).containsExactly(9L);
  }

  @Test
  void unreadableMessagesOnTheChannelAreDroppedWithoutHurtingTheStream() {
    RecordingConnection client = client("c");

    transport.append("security_events", "not json at all");
    publish(broadcaster, 2);

    awaitEvents(client, 1);
    assertThat(events(client).get(0).seq()).isEqualTo(2);
  }

  @Test
  void resyncReplaysWhatALateClientMissedThenAcknowledges() {
    RecordingConnection early = new RecordingConnection("early");
    registry.register("events", early);
    for (int n = 1; n <= 10; n++) {
      publish(broadcaster, n);
    }
    awaitEvents(early, 10);
    RecordingConnection late = new RecordingConnection("late");
    RegisteredConnection registered = registry.register("events", late);
    String epoch = events(early).get(0).epoch();

    ResyncAck ack = broadcaster.resync(registered, new ResyncRequest("events", 4, epoch));
    publish(broadcaster, 11);

    assertThat(ack).isEqualTo(new ResyncAck("events", 4, 6, null, null, epoch, true));
    awaitEvents(late, 7);
    List<Envelope> view = events(late);
    assertThat(view).extracting(Envelope::seq).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(view.subList(0, 6)).extracting(Envelope::replay).containsOnly(true);
    assertThat(view.get(6).replay()).isFalse();
    List<Message> all = received(late);
    assertThat(all.get(6)).isEqualTo(ack);
  }

  @Test
  void resyncNeverRepeatsWhatTheConnectionWasAlreadyGiven() {
    RecordingConnection witness = new RecordingConnection("witness");
    registry.register("events", witness);
    for (int n = 1; n <= 5; n++) {
      publish(broadcaster, n);
    }
    awaitEvents(witness, 5);
    RecordingConnection client = new RecordingConnection("client");
    RegisteredConnection registered = registry.register("events", client);
    for (int n = 6; n <= 10; n++) {
      publish(broadcaster, n);
    }
    awaitEvents(client, 5);

    ResyncAck first = broadcaster.resync(registered, new ResyncRequest("events", 3, null));
    ResyncAck again = broadcaster.resync(registered, new ResyncRequest("events", 3, null));
    ResyncAck older = broadcaster.resync(registered, new ResyncRequest("events", 1, null));

    assertThat(first.replayedCount()).isEqualTo(2);
    assertThat(again.replayedCount()).isZero();
    assertThat(older.replayedCount()).isEqualTo(2);
    await().atMost(WAIT).until(() -> received(client).size() == 12);
    assertThat(events(client))
        .extracting(Envelope::seq)
        .containsExactly(6L, 7L, 8L, 9L, 10L, 4L, 5L, 2L, 3L);
  }

  @Test
  void aResyncIsTooOldOnlyIfTheOffsetItNeedsIsTrimmed() {
    ConnectionRegistry smallRegistry = registry();
    EventBroadcaster small =
        broadcaster(closeLater(InMemoryTransport.withHistorySize(5)), smallRegistry);
    RecordingConnection witness = new RecordingConnection("witness");
    smallRegistry.register("events", witness);
    for (int n = 1; n <= 12; n++) {
      publish(small, n);
    }
    awaitEvents(witness, 12); // retained: 8..12
    RegisteredConnection atOldest = lateClient(smallRegistry, "at-oldest");
    RegisteredConnection justBefore = lateClient(smallRegistry, "just-before");
    RegisteredConnection trimmed = lateClient(smallRegistry, "trimmed");
    RegisteredConnection wayBefore = lateClient(smallRegistry, "way-before");

    ResyncAck equal = small.resync(atOldest, new ResyncRequest("events", 8, null));
    ResyncAck older = small.resync(justBefore, new ResyncRequest("events", 7, null));
    ResyncAck needsTrimmed = small.resync(trimmed, new ResyncRequest("events", 6, null));
    ResyncAck muchOlder = small.resync(wayBefore, new ResyncRequest("events", 3, null));

    assertThat(equal.gapTooOld()).isNull();
    assertThat(equal.oldestAvailable()).isNull();
    assertThat(equal.recovered()).isTrue();
    assertThat(equal.replayedCount()).isEqualTo(4);
    assertThat(older.gapTooOld()).as("has 7, needs 8, the oldest kept: nothing lost").isNull();
    assertThat(older.recovered()).isTrue();
    assertThat(older.replayedCount()).isEqualTo(5);
    assertThat(needsTrimmed.gapTooOld()).as("has 6, needs 7: trimmed").isTrue();
    assertThat(needsTrimmed.oldestAvailable()).isEqualTo(8);
    assertThat(needsTrimmed.replayedCount()).isEqualTo(5);
    assertThat(muchOlder.gapTooOld()).isTrue();
    assertThat(muchOlder.recovered()).isFalse();
    assertThat(muchOlder.replayedCount()).isEqualTo(5);
    assertThat(CODEC.encode(muchOlder)).contains("\"gap_too_old\":true,\"oldest_available\":8");
  }

  private static RegisteredConnection lateClient(ConnectionRegistry registry, String id) {
    return registry.register("events", new RecordingConnection(id));
  }

  @Test
  void resyncWithAnotherEpochIsNotRecoveredAndReplaysEverythingRetained() {
    RecordingConnection witness = new RecordingConnection("witness");
    registry.register("events", witness);
    for (int n = 1; n <= 3; n++) {
      publish(broadcaster, n);
    }
    awaitEvents(witness, 3);
    RecordingConnection client = new RecordingConnection("client");
    RegisteredConnection registered = registry.register("events", client);

    ResyncAck ack = broadcaster.resync(registered, new ResyncRequest("events", 2, "old-epoch"));

    assertThat(ack.recovered()).isFalse();
    assertThat(ack.replayedCount()).isEqualTo(3);
    assertThat(ack.epoch()).isEqualTo(transport.since("security_events", 0).epoch());
    await().atMost(WAIT).until(() -> events(client).size() == 3);
  }

  @Test
  void resyncOnAStreamThatDoesNotExistYetIsRecoveredWithNothingToReplay() {
    RecordingConnection client = new RecordingConnection("first-ever");
    RegisteredConnection registered = registry.register("events", client);

    ResyncAck ack = broadcaster.resync(registered, new ResyncRequest("events", 0, null));

    assertThat(ack).isEqualTo(new ResyncAck("events", 0, 0, null, null, null, true));
    assertThat(CODEC.encode(ack)).doesNotContain("epoch");
    assertThat(transport.since("security_events", 0).exists())
        .as("the read made no stream")
        .isFalse();
  }

  @Test
  void theFirstEventsAfterAnEmptyStreamReachClientsOnceFromOffsetOne() {
    RecordingConnection client = client("early");
    ResyncAck empty =
        broadcaster.resync(
            registry.register("events", new RecordingConnection("resyncing")),
            new ResyncRequest("events", 0, null));
    publish(broadcaster, 1);
    publish(broadcaster, 2);
    awaitEvents(client, 2);
    String epoch = events(client).get(0).epoch();
    RegisteredConnection late = lateClient(registry, "late");

    ResyncAck ack = broadcaster.resync(late, new ResyncRequest("events", 0, empty.epoch()));
    // A client that was told the empty epoch as it is stored ("") lost nothing either.
    ResyncAck fromNoEpoch =
        broadcaster.resync(
            lateClient(registry, "late-2"), new ResyncRequest("events", 0, StreamHistory.NO_EPOCH));

    assertThat(events(client)).extracting(Envelope::seq).containsExactly(1L, 2L);
    assertThat(ack).isEqualTo(new ResyncAck("events", 0, 2, null, null, epoch, true));
    assertThat(fromNoEpoch).isEqualTo(ack);
  }

  /**
   * A resync reads its history outside the delivery lock: while one connection's replay waits for
   * the transport (a full history from Redis), live events still reach everybody else, and the
   * resyncing connection still gets every event once, replayed up to where live delivery took over.
   */
  @Test
  void aSlowHistoryReadDoesNotHoldUpLiveDelivery() throws Exception {
    SlowHistoryTransport slow = closeLater(new SlowHistoryTransport(InMemoryTransport.create()));
    ConnectionRegistry slowRegistry = registry();
    EventBroadcaster slowBroadcaster = broadcaster(slow, slowRegistry);
    RecordingConnection witness = new RecordingConnection("witness");
    slowRegistry.register("events", witness);
    for (int n = 1; n <= 5; n++) {
      publish(slowBroadcaster, n);
    }
    awaitEvents(witness, 5);
    RecordingConnection client = new RecordingConnection("resyncing");
    RegisteredConnection registered = slowRegistry.register("events", client);

    slow.blockNextRead();
    CompletableFuture<ResyncAck> resync =
        CompletableFuture.supplyAsync(
            () -> slowBroadcaster.resync(registered, new ResyncRequest("events", 0, null)));
    try {
      assertThat(slow.reading.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      CompletableFuture.runAsync(() -> publish(slowBroadcaster, 6));
      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(
              () ->
                  assertThat(eventIds(witness))
                      .as("a live event while another connection's history is read")
                      .hasSize(6));
    } finally {
      slow.release.countDown();
    }

    assertThat(resync.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).replayedCount()).isEqualTo(5);
    awaitEvents(client, 6);
    assertThat(events(client)).extracting(Envelope::seq).containsExactly(6L, 1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void sporadicPublishFailuresDoNotOpenTheBreaker() {
    AtomicInteger appends = new AtomicInteger();
    InMemoryTransport backbone = closeLater(InMemoryTransport.create());
    Transport sporadic =
        new ForwardingTransport(backbone) {
          @Override
          public CompletionStage<StreamPosition> append(
              String channel, String payload, String messageId, Duration retention) {
            if (appends.incrementAndGet() % 3 == 0) {
              return CompletableFuture.failedFuture(new TransportException("sporadic", null));
            }
            return super.append(channel, payload, messageId, retention);
          }
        };
    EventBroadcaster broadcaster = broadcaster(sporadic, registry());

    for (int n = 1; n <= 60; n++) {
      publish(broadcaster, n);
      time.runDueTasks(); // the outbox retries what failed
    }
    time.advance(Duration.ofSeconds(10));

    assertThat(broadcaster.isDegraded())
        .as("one failure in three, never several in a row: the breaker counts consecutive ones")
        .isFalse();
    assertThat(broadcaster.outboxSize()).isZero();
    assertThat(backbone.since("security_events", 0).messages()).hasSize(60);
  }

  /** A transport whose next history read, once armed, waits until released. */
  private static final class SlowHistoryTransport extends ForwardingTransport {
    private final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SlowHistoryTransport(Transport delegate) {
      super(delegate);
    }

    void blockNextRead() {
      armed.set(true);
    }

    @Override
    public StreamHistory since(String channel, long offset) {
      if (armed.getAndSet(false)) {
        reading.countDown();
        try {
          release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.since(channel, offset);
    }

    @Override
    public String name() {
      return "slow-history(" + delegate.name() + ")";
    }
  }

  @Test
  void noGapAndNoDuplicateBetweenReplayAndLiveWhileEventsArrive() throws Exception {
    int total = 600;
    Thread publisher =
        new Thread(
            () -> {
              for (int n = 1; n <= total; n++) {
                publish(broadcaster, n);
              }
            });
    publisher.start();
    await().atMost(WAIT).until(() -> transport.since("security_events", 0).latest() >= 100);

    RecordingConnection client = new RecordingConnection("reconnected");
    RegisteredConnection registered = registry.register("events", client);
    broadcaster.resync(registered, new ResyncRequest("events", 0, null));
    publisher.join(TimeUnit.SECONDS.toMillis(30));

    await().atMost(WAIT).until(() -> events(client).size() >= total);
    List<Long> seqs = events(client).stream().map(Envelope::seq).toList();
    assertThat(seqs).hasSize(total);
    List<Long> sorted = seqs.stream().sorted().toList();
    assertThat(sorted)
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(events(client).stream().filter(Envelope::replay).map(Envelope::seq).toList())
        .as("replayed part is in order and precedes the live part it joins")
        .isSorted();
  }

  @Test
  void duplicatesAreDroppedAndGapsFilledFromTheHistory() {
    ConnectionRegistry tamperedRegistry = registry();
    RecordingConnection client = new RecordingConnection("c");
    tamperedRegistry.register("events", client);
    EventBroadcaster tampered =
        broadcaster(
            new TamperingTransport(closeLater(InMemoryTransport.create())), tamperedRegistry);

    // 31 is delivered, so the dropped 30 is noticed as a gap and filled; a backbone that drops
    // a trailing message without breaking the subscription is out of reach of any subscriber.
    for (int n = 1; n <= 31; n++) {
      publish(tampered, n);
    }

    awaitEvents(client, 31);
    assertThat(events(client))
        .extracting(Envelope::seq)
        .isEqualTo(LongStream.rangeClosed(1, 31).boxed().toList());
  }

  /** Delivers every message twice and drops every third one, as a misbehaving backbone might. */
  private static final class TamperingTransport extends ForwardingTransport {

    TamperingTransport(Transport delegate) {
      super(delegate);
    }

    @Override
    public TransportSubscription subscribe(String channel, TransportListener listener) {
      return delegate.subscribe(
          channel,
          message -> {
            if (message.seq() != null && message.seq() % 3 == 0) {
              return;
            }
            listener.onMessage(message);
            listener.onMessage(message);
          });
    }

    @Override
    public String name() {
      return "tampering";
    }
  }

  @Test
  void resyncRequestReadsTheClientData() {
    assertThat(
            ResyncRequest.fromData(Map.of("channel", "events", "last_sequence", 12, "epoch", "e1")))
        .isEqualTo(new ResyncRequest("events", 12, "e1"));
    assertThat(ResyncRequest.fromData(null)).isEqualTo(new ResyncRequest("unknown", 0, null));
    assertThatThrownBy(() -> ResyncRequest.fromData(Map.of("last_sequence", -1)))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("last_sequence");
    assertThatThrownBy(() -> ResyncRequest.fromData(Map.of("last_sequence", "5")))
        .hasMessageContaining("\"5\"");
  }

  @Test
  void notDegradedOnTheInMemoryDefault() {
    assertThat(broadcaster.isDegraded()).isFalse();
    assertThat(broadcaster.degradedNotice()).isEmpty();
    assertThat(ServiceStatus.of("x", "healthy", null).circuitState()).isNull();
  }
}
