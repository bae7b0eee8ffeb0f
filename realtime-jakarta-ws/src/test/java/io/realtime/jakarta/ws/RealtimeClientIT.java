package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.client.RealtimeClient;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.message.payload.ShutdownNotice;
import io.realtime.transport.InMemoryTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java client against the endpoints on Tyrus. */
class RealtimeClientIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final InMemoryTransport transport = InMemoryTransport.create();
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final TyrusServer server = new TyrusServer();
  private EventBroadcaster events;
  private RealtimeWebSocket websocket;
  private RealtimeClient client;
  private int port;
  private final List<Long> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    events = EventBroadcaster.builder(transport, registry).build();
    events.start();
    websocket =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .apiKeys(List.of("secret-key"))
            .pingInterval(Duration.ofMillis(200))
            .idleTimeout(Duration.ofMillis(1000))
            .build();
    port = server.start(websocket);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.close();
    websocket.close();
    events.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    transport.close();
  }

  private RealtimeClient.Builder builder(String key, boolean inSubprotocol) {
    return RealtimeClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws/events"))
        .container(ClientManager.createClient())
        .apiKey(key, inSubprotocol)
        .reconnect(Duration.ofMillis(50), Duration.ofMillis(200), 20)
        .on("event", envelope -> received.add(envelope.dataAs(SecurityEvent.class).id()));
  }

  private void publish(long n) {
    events
        .publish(
            Envelope.event(SecurityEvent.of(n, n, "b", "gate", 10, RiskLevel.LOW, "e" + n, null)))
        .toCompletableFuture()
        .join();
  }

  @Test
  void itReceivesEventsAndAnswersPingsSoTheIdleTimeoutNeverFires() {
    AtomicInteger disconnects = new AtomicInteger();
    client =
        builder("secret-key", true)
            .onDisconnected(code -> disconnects.incrementAndGet())
            .build()
            .connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1);

    publish(1);
    await().atMost(WAIT).until(() -> received.contains(1L));
    // Pongs keep the connection alive well past the 1 s idle timeout.
    await()
        .during(Duration.ofMillis(2500))
        .atMost(WAIT)
        .until(() -> disconnects.get() == 0 && client.isConnected());
  }

  @Test
  void afterADropItReconnectsAndResyncsWithoutGapsOrDuplicates() {
    client = builder("secret-key", false).build().connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1);
    for (long n = 1; n <= 3; n++) {
      publish(n);
    }
    await().atMost(WAIT).until(() -> received.size() == 3);

    RegisteredConnection connection = registry.connections("events").iterator().next();
    connection.abort(new CloseReason(1013, "slow consumer"));
    publish(4);
    publish(5);
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && client.isConnected());
    await().atMost(WAIT).until(() -> received.size() >= 5);
    publish(6);

    await().atMost(WAIT).until(() -> received.size() == 6);
    assertThat(received).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(client.lastSeq()).isEqualTo(6);
  }

  @Test
  void aRefusalIsFinal() {
    List<Integer> codes = new CopyOnWriteArrayList<>();
    client = builder("wrong-key", true).onDisconnected(codes::add).build().connect();

    await().atMost(WAIT).until(() -> codes.contains(1008));
    await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> codes.size() == 1);

    assertThat(client.isConnected()).isFalse();
  }

  @Test
  void serviceStatusNoticesReachTheirCallback() {
    List<ServiceStatus> notices = new CopyOnWriteArrayList<>();
    client = builder("secret-key", false).onServiceStatus(notices::add).build().connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1);

    events.publish(
        Envelope.serviceStatus(
            new ServiceStatus("event_broadcaster", "degraded", "Events may be delayed", "open"),
            null));

    await().atMost(WAIT).until(() -> notices.size() == 1);
    assertThat(notices.get(0).status()).isEqualTo("degraded");
  }

  @Test
  void theShutdownNoticeReachesItsCallback() {
    List<ShutdownNotice> notices = new CopyOnWriteArrayList<>();
    client = builder("secret-key", true).onShutdown(notices::add).build().connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1);

    registry.shutdown(Duration.ofSeconds(5)).join();

    await().atMost(WAIT).until(() -> notices.size() == 1);
    assertThat(notices.get(0)).isEqualTo(ShutdownNotice.SERVER_SHUTTING_DOWN);
  }
}
