package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.RecordingConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A producer outside the library PUBLISHes straight onto the event channel; and an instance that
 * published while Redis was down hands its outbox to the other instances when Redis returns.
 */
class RedisInteropAndOutboxIT {

  private static final MessageCodec CODEC = MessageCodec.json();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private RedisServer server;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private record Node(EventBroadcaster events, RecordingConnection client) {}

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    server.close();
  }

  private Node node(String name) {
    RedisTransport transport =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .uri("redis://127.0.0.1:" + server.port())
                .commandTimeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(500))
                .ping(Duration.ofMillis(200), Duration.ofMillis(1000))
                .build());
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    RecordingConnection client = new RecordingConnection("ws-events-" + name);
    registry.register("events", client);
    EventBroadcaster events =
        EventBroadcaster.builder(transport, registry)
            .circuitBreaker(
                CircuitBreaker.builder("event_broadcaster")
                    .withRecoveryTimeout(Duration.ofSeconds(2))
                    .build())
            .recoveryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
    events.start();
    // start() returns before Redis confirms; seen failing without (CI): an instance not following
    // yet missed the other's first event
    await().atMost(WAIT).until(events::isLive);
    closeables.add(transport);
    closeables.add(() -> registry.shutdown(Duration.ofMillis(200)).join());
    closeables.add(events);
    return new Node(events, client);
  }

  private static List<Envelope> events(RecordingConnection client) {
    return client.texts().stream()
        .map(CODEC::decode)
        .filter(m -> m instanceof Envelope e && e.type().equals("event"))
        .map(Envelope.class::cast)
        .toList();
  }

  private static List<Long> ids(RecordingConnection client) {
    return events(client).stream().map(e -> e.dataAs(SecurityEvent.class).id()).toList();
  }

  private static Envelope event(long n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "b", "garage", 60, RiskLevel.MEDIUM, "event " + n, null));
  }

  @Test
  void anEventPublishedStraightOntoTheChannelReachesClientsWithoutSeq() {
    Node node = node("a");
    await()
        .atMost(WAIT)
        .until(() -> !node.events().isDegraded() && node.events().circuitBreaker() != null);
    String python =
        "{\"type\": \"event\", \"data\": {\"id\": 7, \"event_id\": 7, \"batch_id\": \"abc\", \"camera_id\":"
            + " \"front_door\", \"risk_score\": 75, \"risk_level\": \"high\", \"summary\": \"Person\","
            + " \"started_at\": \"2024-01-15T10:30:00.000000\"}}";

    await()
        .atMost(WAIT)
        .until(
            () -> {
              try (Jedis redisCli = new Jedis("127.0.0.1", server.port())) {
                redisCli.publish("security_events", python);
              }
              return !events(node.client()).isEmpty();
            });

    Envelope received = events(node.client()).get(0);
    assertThat(received.seq()).isNull();
    assertThat(received.dataAs(SecurityEvent.class).cameraId()).isEqualTo("front_door");
  }

  @Test
  void theOutboxReachesTheOtherInstancesInOrderAndNotTwiceLocally() throws Exception {
    Node a = node("a");
    Node b = node("b");
    a.events().publish(event(1)).toCompletableFuture().join();
    await().atMost(WAIT).until(() -> ids(b.client()).contains(1L));

    server.kill();
    await().atMost(WAIT).until(() -> a.events().isDegraded());
    for (long n = 2; n <= 4; n++) {
      assertThat(a.events().publish(event(n)).toCompletableFuture().join().localOnly()).isTrue();
    }
    await().atMost(WAIT).until(() -> ids(a.client()).containsAll(List.of(2L, 3L, 4L)));
    assertThat(a.events().outboxSize()).isEqualTo(3);
    assertThat(ids(b.client())).doesNotContain(2L, 3L, 4L);

    server.launch();
    await().atMost(WAIT).until(() -> !a.events().isDegraded() && !b.events().isDegraded());
    await().atMost(WAIT).until(() -> ids(b.client()).containsAll(List.of(2L, 3L, 4L)));
    a.events().publish(event(5)).toCompletableFuture().join();
    await().atMost(WAIT).until(() -> ids(a.client()).contains(5L) && ids(b.client()).contains(5L));

    assertThat(ids(a.client()))
        .as("local clients never get the outbox twice")
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(ids(b.client()))
        .as("the other instance gets it in order")
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(a.events().outboxSize()).isZero();
  }
}
