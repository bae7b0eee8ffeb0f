package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.Pong;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.SystemStatus;
import io.realtime.test.CountingCodec;
import io.realtime.test.RecordingConnection;
import io.realtime.test.RecordingConnection.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The default registry: fan-out, single writer, delivery classes, bounds, filters, shutdown. */
class ConnectionRegistryTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ExecutorService completions = Executors.newFixedThreadPool(2);
  private final List<ConnectionRegistry> registries = new ArrayList<>();

  @AfterEach
  void tearDown() {
    registries.forEach(registry -> registry.shutdown(Duration.ofMillis(100)));
    completions.shutdownNow();
  }

  private ConnectionRegistry registry(ConnectionRegistryBuilder builder) {
    ConnectionRegistry registry = builder.build();
    registries.add(registry);
    return registry;
  }

  private ConnectionRegistry registry() {
    return registry(ConnectionRegistry.builder());
  }

  private RecordingConnection connection(String id, Mode mode) {
    return new RecordingConnection(id, mode, completions);
  }

  private List<RecordingConnection> registerImmediate(ConnectionRegistry registry, int count) {
    List<RecordingConnection> connections = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      RecordingConnection connection = connection("c" + i, Mode.IMMEDIATE);
      connections.add(connection);
      registry.register("events", connection);
    }
    return connections;
  }

  static Envelope event(long n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "batch", "front_door", 50, RiskLevel.MEDIUM, "event " + n, null));
  }

  static Envelope status(int total) {
    return Envelope.systemStatus(
        new SystemStatus(null, null, new SystemStatus.CameraCounts(total, total, 0), null, null),
        Instant.EPOCH);
  }

  @Test
  void broadcastEncodesOnceHoweverManyReceive() {
    CountingCodec codec = new CountingCodec(MessageCodec.json());
    ConnectionRegistry registry = registry(ConnectionRegistry.builder().codec(codec));
    List<RecordingConnection> connections = registerImmediate(registry, 100);

    assertThat(registry.broadcast("events", event(1))).isEqualTo(100);

    await().atMost(WAIT).until(() -> connections.stream().allMatch(c -> c.texts().size() == 1));
    assertThat(codec.encodes()).isEqualTo(1);
    String text = connections.get(0).texts().get(0);
    assertThat(connections).allSatisfy(c -> assertThat(c.texts()).containsExactly(text));
  }

  @Test
  void broadcastOnAChannelWithoutConnectionsEncodesNothing() {
    CountingCodec codec = new CountingCodec(MessageCodec.json());
    ConnectionRegistry registry = registry(ConnectionRegistry.builder().codec(codec));

    assertThat(registry.broadcast("events", event(1))).isZero();
    assertThat(codec.encodes()).isZero();
  }

  @Test
  void channelsAreSeparate() {
    ConnectionRegistry registry = registry();
    RecordingConnection events = connection("e", Mode.IMMEDIATE);
    RecordingConnection system = connection("s", Mode.IMMEDIATE);
    registry.register("events", events);
    registry.register("system", system);

    registry.broadcast("system", status(1));

    await().atMost(WAIT).until(() -> system.texts().size() == 1);
    assertThat(events.texts()).isEmpty();
    assertThat(registry.count()).isEqualTo(2);
    assertThat(registry.count("events")).isEqualTo(1);
    assertThat(registry.channels()).containsExactlyInAnyOrder("events", "system");
  }

  @Test
  void sendsNeverOverlapAndKeepOrder() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("async", Mode.ASYNC);
    registry.register("events", connection);

    for (int i = 1; i <= 500; i++) {
      registry.broadcast("events", event(i));
    }

    await().atMost(WAIT).until(() -> connection.texts().size() == 500);
    assertThat(connection.maxConcurrentSends()).isEqualTo(1);
    assertThat(eventNumbers(connection)).isEqualTo(range(1, 500));
  }

  @Test
  void aBroadcastHandsIdleWritersToTheExecutorInChunksThatKeepOrder() {
    List<Runnable> tasks = new ArrayList<>();
    ConnectionRegistry registry =
        registry(ConnectionRegistry.builder().deliveryExecutor(tasks::add));
    List<RecordingConnection> connections = registerImmediate(registry, 150);

    assertThat(registry.broadcast("events", event(1))).isEqualTo(150);
    // 64 + 64 + 22 idle writers: three tasks, not one per connection
    assertThat(tasks).hasSize(3);
    // every writer is taken: the second broadcast queues behind the first, starting nothing
    assertThat(registry.broadcast("events", event(2))).isEqualTo(150);
    assertThat(tasks).hasSize(3);
    assertThat(connections).allSatisfy(c -> assertThat(c.texts()).isEmpty());

    List<Runnable> firstTasks = List.copyOf(tasks);
    tasks.clear();
    firstTasks.forEach(Runnable::run);

    assertThat(connections).allSatisfy(c -> assertThat(eventNumbers(c)).isEqualTo(range(1, 2)));
    // the writers went idle again and a third broadcast takes them in new chunks
    assertThat(registry.broadcast("events", event(3))).isEqualTo(150);
    assertThat(tasks).hasSize(3);
    tasks.forEach(Runnable::run);
    assertThat(connections).allSatisfy(c -> assertThat(eventNumbers(c)).isEqualTo(range(1, 3)));
  }

  @Test
  void aBroadcastTheExecutorRefusesClosesTheIdleRecipients() {
    ConnectionRegistry registry =
        registry(
            ConnectionRegistry.builder()
                .deliveryExecutor(
                    task -> {
                      throw new RejectedExecutionException("stopped");
                    }));
    List<RecordingConnection> connections = registerImmediate(registry, 100);

    registry.broadcast("events", event(1));

    assertThat(connections)
        .allSatisfy(c -> assertThat(c.awaitClose(WAIT)).isEqualTo(CloseReason.SERVER_SHUTDOWN));
    await().atMost(WAIT).until(() -> registry.count("events") == 0);
  }

  @Test
  void latestValueReplacesUnsentStatusButKeepsEveryEvent() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("slow", Mode.STALLED);
    RegisteredConnection registered = registry.register("system", connection);

    registry.broadcast("system", status(1));
    await().atMost(WAIT).until(() -> connection.texts().size() == 1); // in flight, stalled
    for (int total = 2; total <= 50; total++) {
      registry.broadcast("system", status(total));
    }
    registry.broadcast("system", event(1));
    registry.broadcast("system", status(51));
    registry.broadcast("system", event(2));

    assertThat(registered.pendingMessages()).isEqualTo(3);
    connection.resume();

    await().atMost(WAIT).until(() -> connection.texts().size() == 4);
    List<String> texts = connection.texts();
    assertThat(texts.get(0)).contains("\"total\":1,");
    assertThat(texts.get(1)).contains("\"total\":51,");
    assertThat(texts.get(2)).contains("\"summary\":\"event 1\"");
    assertThat(texts.get(3)).contains("\"summary\":\"event 2\"");
    assertThat(connection.closeReason()).isNull();
  }

  @Test
  void aQueuePastItsMessageBoundClosesWithSlowConsumer() {
    ConnectionRegistry registry =
        registry(ConnectionRegistry.builder().outboundLimits(new OutboundLimits(5, 1 << 20)));
    RecordingConnection slow = connection("slow", Mode.STALLED);
    RecordingConnection healthy = connection("healthy", Mode.IMMEDIATE);
    RegisteredConnection registeredSlow = registry.register("events", slow);
    registry.register("events", healthy);

    registry.broadcast("events", event(1));
    await().atMost(WAIT).until(() -> slow.texts().size() == 1); // in flight, stalled
    for (int i = 2; i <= 6; i++) {
      assertThat(registry.broadcast("events", event(i))).isEqualTo(2);
      int delivered = i;
      // the healthy connection's queue has the same small bound: let it drain
      await().atMost(WAIT).until(() -> healthy.texts().size() == delivered);
    }
    assertThat(registeredSlow.pendingMessages()).isEqualTo(5);
    assertThat(registry.broadcast("events", event(7))).isEqualTo(1);

    assertThat(slow.awaitClose(WAIT)).isEqualTo(new CloseReason(1013, "slow consumer"));
    assertThat(registeredSlow.isOpen()).isFalse();
    assertThat(registeredSlow.pendingMessages()).isZero();
    assertThat(registry.count("events")).isEqualTo(1);
    assertThat(registry.find("slow")).isEmpty();
    await().atMost(WAIT).until(() -> healthy.texts().size() == 7);
  }

  @Test
  void aQueuePastItsByteBoundClosesWithSlowConsumer() {
    ConnectionRegistry registry =
        registry(ConnectionRegistry.builder().outboundLimits(new OutboundLimits(1000, 600)));
    RecordingConnection slow = connection("slow", Mode.STALLED);
    registry.register("events", slow);

    int accepted = 0;
    while (registry.broadcast("events", event(accepted)) == 1) {
      accepted++;
      assertThat(accepted).as("messages accepted before the byte bound closed it").isLessThan(10);
    }

    assertThat(slow.awaitClose(WAIT)).isEqualTo(CloseReason.SLOW_CONSUMER);
    assertThat(accepted).isGreaterThanOrEqualTo(3);
  }

  @Test
  void subscriptionFiltersAreAppliedOnSendAndRecipientsAgree() {
    ConnectionRegistry registry = registry();
    RecordingConnection all = connection("all", Mode.IMMEDIATE);
    RecordingConnection alerts = connection("alerts", Mode.IMMEDIATE);
    RecordingConnection nothing = connection("nothing", Mode.IMMEDIATE);
    RecordingConnection reset = connection("reset", Mode.IMMEDIATE);
    registry.register("events", all);
    registry.register("events", alerts).subscriptions().subscribe(List.of("alert.*"));
    RegisteredConnection emptied = registry.register("events", nothing);
    emptied.subscriptions().subscribe(List.of("event"));
    emptied.subscriptions().unsubscribe(List.of("event"));
    RegisteredConnection resetConnection = registry.register("events", reset);
    resetConnection.subscriptions().subscribe(List.of("camera.*"));
    resetConnection.subscriptions().unsubscribeAll();

    assertThat(ids(registry.recipients("events", "alert.created")))
        .containsExactlyInAnyOrder("all", "alerts", "reset");
    assertThat(ids(registry.recipients("events", "event")))
        .containsExactlyInAnyOrder("all", "reset");
    assertThat(ids(registry.recipients("events", "service_status")))
        .containsExactlyInAnyOrder("all", "alerts", "nothing", "reset");

    assertThat(registry.broadcast("events", Envelope.of("alert.created", Map.of("id", 1))))
        .isEqualTo(3);
    assertThat(registry.broadcast("events", event(1))).isEqualTo(2);
    assertThat(
            registry.broadcast(
                "events",
                Envelope.of("service_status", Map.of("service", "x", "status", "degraded"))))
        .isEqualTo(4);

    await().atMost(WAIT).until(() -> all.texts().size() == 3 && reset.texts().size() == 3);
    await().atMost(WAIT).until(() -> alerts.texts().size() == 2 && nothing.texts().size() == 1);
    assertThat(alerts.texts().get(0)).contains("alert.created");
    assertThat(nothing.texts().get(0)).contains("service_status");
  }

  @Test
  void directRepliesIgnoreSubscriptions() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("c", Mode.IMMEDIATE);
    RegisteredConnection registered = registry.register("events", connection);
    registered.subscriptions().subscribe(List.of("alert.*"));

    assertThat(registered.send(Pong.INSTANCE)).isTrue();
    assertThat(registered.send(event(1))).isTrue();

    await().atMost(WAIT).until(() -> connection.texts().size() == 2);
    assertThat(connection.texts().get(0)).isEqualTo("{\"type\":\"pong\"}");
  }

  @Test
  void lastSeqFollowsDeliveredStreamMessages() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("c", Mode.IMMEDIATE);
    RegisteredConnection registered = registry.register("events", connection);
    assertThat(registered.lastSeq()).isZero();

    registry.broadcast("events", event(1).withPosition(41, "epoch-a"));
    registry.broadcast("events", event(2).withPosition(42, "epoch-a"));
    registry.broadcast("events", Envelope.of("alert.created", null));

    await().atMost(WAIT).until(() -> connection.texts().size() == 3);
    assertThat(registered.lastSeq()).isEqualTo(42);
  }

  @Test
  void lastSeqStartsAgainWithANewEpoch() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("c", Mode.IMMEDIATE);
    RegisteredConnection registered = registry.register("events", connection);

    registry.broadcast("events", event(1).withPosition(5_000, "epoch-a"));
    registry.broadcast("events", event(2).withPosition(1, "epoch-b"));
    registry.broadcast("events", event(3).withPosition(2, "epoch-b"));

    await().atMost(WAIT).until(() -> connection.texts().size() == 3);
    assertThat(registered.lastSeq())
        .as("the heartbeat must not tell a client of the new stream that it missed 5,000 events")
        .isEqualTo(2);
  }

  @Test
  void aPeerThatWentAwayIsForgottenWithoutClosingAgain() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("gone", Mode.STALLED);
    RegisteredConnection registered = registry.register("events", connection);
    registry.broadcast("events", event(1));
    registry.broadcast("events", event(2));

    registry.unregister("gone");
    registry.unregister("unknown-id");

    assertThat(registered.isOpen()).isFalse();
    assertThat(registered.closeFuture().toCompletableFuture()).isDone();
    assertThat(registered.pendingMessages()).isZero();
    assertThat(registry.count()).isZero();
    assertThat(connection.closeCalls()).isZero();
    assertThat(registry.broadcast("events", event(3))).isZero();
  }

  @Test
  void aFailedSendClosesOnlyThatConnection() {
    ConnectionRegistry registry = registry();
    RecordingConnection broken = connection("broken", Mode.FAILING);
    RecordingConnection healthy = connection("healthy", Mode.IMMEDIATE);
    registry.register("events", broken);
    registry.register("events", healthy);

    registry.broadcast("events", event(1));
    registry.broadcast("events", event(2));

    assertThat(broken.awaitClose(WAIT)).isEqualTo(CloseReason.SEND_FAILED);
    await().atMost(WAIT).until(() -> healthy.texts().size() == 2);
    await().atMost(WAIT).until(() -> registry.count() == 1);
  }

  @Test
  void aSendThatThrowsIsTreatedAsFailed() {
    ConnectionRegistry registry = registry();
    RecordingConnection throwing = connection("throwing", Mode.THROWING);
    registry.register("events", throwing);

    registry.broadcast("events", event(1));

    assertThat(throwing.awaitClose(WAIT)).isEqualTo(CloseReason.SEND_FAILED);
    await().atMost(WAIT).until(() -> registry.count() == 0);
  }

  @Test
  void gracefulCloseFlushesThenCloses() {
    ConnectionRegistry registry = registry();
    RecordingConnection connection = connection("job", Mode.ASYNC);
    RegisteredConnection registered = registry.register("job:1", connection);
    for (int i = 1; i <= 20; i++) {
      registered.send(event(i));
    }

    registered.close(new CloseReason(1000, "Job finished")).toCompletableFuture().join();

    assertThat(connection.closeReason()).isEqualTo(new CloseReason(1000, "Job finished"));
    assertThat(eventNumbers(connection)).isEqualTo(range(1, 20));
    assertThat(registered.send(event(21))).isFalse();
    assertThat(registry.count()).isZero();
  }

  @Test
  void gracefulCloseOfAStalledConnectionGivesUpAfterTheFlushTimeout() {
    ConnectionRegistry registry =
        registry(ConnectionRegistry.builder().flushTimeout(Duration.ofMillis(200)));
    RecordingConnection connection = connection("stalled", Mode.STALLED);
    RegisteredConnection registered = registry.register("events", connection);
    registered.send(event(1));
    registered.send(event(2));

    registered.close(new CloseReason(1000, "Idle timeout")).toCompletableFuture().join();

    assertThat(connection.closeReason()).isEqualTo(new CloseReason(1000, "Idle timeout"));
    assertThat(registry.count()).isZero();
  }

  @Test
  void shutdownNotifiesEveryClientThenClosesWithGoingAway() {
    ConnectionRegistry registry = registry();
    List<RecordingConnection> connections = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RecordingConnection connection =
          connection("c" + i, i % 2 == 0 ? Mode.IMMEDIATE : Mode.ASYNC);
      connections.add(connection);
      registry.register(i < 3 ? "events" : "system", connection);
    }
    registry.broadcast("events", event(1));

    registry.shutdown(Duration.ofSeconds(5)).join();

    String notice =
        "{\"type\":\"system.shutdown\",\"data\":{\"reason\":\"Server shutting down\",\"reconnect\":true}}";
    for (RecordingConnection connection : connections) {
      List<String> texts = connection.texts();
      assertThat(texts).last().isEqualTo(notice);
      assertThat(connection.awaitClose(WAIT))
          .isEqualTo(new CloseReason(1001, "Server shutting down"));
    }
    assertThat(connections.get(0).texts()).hasSize(2);
    assertThat(registry.count()).isZero();
    assertThatThrownBy(() -> registry.register("events", connection("late", Mode.IMMEDIATE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late");
  }

  @Test
  void aDeadConnectionDoesNotStallTheShutdown() {
    ConnectionRegistry registry = registry();
    RecordingConnection dead = connection("dead", Mode.STALLED);
    dead.blockClose();
    RecordingConnection healthy = connection("healthy", Mode.ASYNC);
    registry.register("events", dead);
    registry.register("events", healthy);
    registry.broadcast("events", event(1));

    long start = System.nanoTime();
    registry.shutdown(Duration.ofMillis(300)).join();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(healthy.awaitClose(WAIT)).isEqualTo(CloseReason.SERVER_SHUTDOWN);
    assertThat(dead.awaitClose(WAIT)).isEqualTo(CloseReason.SERVER_SHUTDOWN);
    assertThat(registry.count()).isZero();
    dead.unblockClose();
  }

  @Test
  void shutdownTwiceReturnsTheSameFuture() {
    ConnectionRegistry registry = registry();

    assertThat(registry.shutdown(Duration.ofSeconds(1)))
        .isSameAs(registry.shutdown(Duration.ofSeconds(1)));
  }

  @Test
  void registrationErrorsNameTheBadValue() {
    ConnectionRegistry registry = registry();
    registry.register("events", connection("same", Mode.IMMEDIATE));

    assertThatThrownBy(() -> registry.register("events", connection("same", Mode.IMMEDIATE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same");
    assertThatThrownBy(() -> registry.register(" ", connection("x", Mode.IMMEDIATE)))
        .hasMessageContaining("channel must not be blank");
    assertThatThrownBy(() -> registry.register("events", connection("", Mode.IMMEDIATE)))
        .hasMessageContaining("connection id must not be blank");
  }

  static List<Long> eventNumbers(RecordingConnection connection) {
    List<Long> numbers = new ArrayList<>();
    for (String text : connection.texts(t -> t.contains("\"type\":\"event\""))) {
      int start = text.indexOf("\"id\":") + 5;
      numbers.add(Long.parseLong(text.substring(start, text.indexOf(',', start))));
    }
    return numbers;
  }

  static List<Long> range(long from, long to) {
    List<Long> numbers = new ArrayList<>();
    for (long n = from; n <= to; n++) {
      numbers.add(n);
    }
    return numbers;
  }

  private static List<String> ids(Collection<RegisteredConnection> connections) {
    return connections.stream().map(RegisteredConnection::id).toList();
  }
}
