package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.client.RealtimeClient;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java client against a scripted server that closes its first connections with a chosen code:
 * which closes it retries, how soon, and what it tells the application.
 */
class RealtimeClientRetryIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration BASE = Duration.ofMillis(100);

  /** When each connection opened, in nanoseconds. */
  private static final List<Long> OPENS = new CopyOnWriteArrayList<>();

  private static volatile int refusals;
  private static volatile int refusalCode;
  private static volatile String refusalReason;

  /** Closes the first {@code refusals} connections with the chosen code; keeps the others. */
  @ServerEndpoint("/ws/events")
  public static final class ScriptedServer {
    @OnOpen
    public void open(Session session) throws IOException {
      OPENS.add(System.nanoTime());
      if (OPENS.size() <= refusals) {
        session.close(new CloseReason(CloseCodes.getCloseCode(refusalCode), refusalReason));
      }
    }
  }

  private Server server;
  private RealtimeClient client;
  private final List<RealtimeClient.Disconnect> disconnects = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    OPENS.clear();
    server = new Server("127.0.0.1", -1, "/", Map.of(), Set.of(ScriptedServer.class));
    server.start();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.stop();
  }

  private static void script(int count, int code, String reason) {
    refusals = count;
    refusalCode = code;
    refusalReason = reason;
  }

  /** Full jitter at its lowest (random 0), so every delay is the least the client may wait. */
  private RealtimeClient.Builder builder(int port, int maxAttempts) {
    return RealtimeClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws/events"))
        .container(ClientManager.createClient())
        .reconnect(BASE, Duration.ofSeconds(2), maxAttempts)
        .random(() -> 0L)
        .onDisconnect(disconnects::add);
  }

  @ParameterizedTest
  @CsvSource({
    "1013, Too many connections",
    "1013, Server at connection limit",
    "1013, Too many connections from this address",
    "1013, slow consumer",
    "1003, Unsupported data",
    "1007, Invalid payload",
    "1009, Message too big"
  })
  void afterRefusalsToTryAgainLaterItWaitsAGrowingMinimumThenConnects(int code, String reason) {
    script(3, code, reason);
    // Two attempts at most: refusals after an open must not use them up.
    client = builder(server.getPort(), 2).build().connect();

    await().atMost(WAIT).until(() -> OPENS.size() == 4 && client.isConnected());

    List<Long> gapsMillis = new ArrayList<>();
    for (int i = 1; i < OPENS.size(); i++) {
      gapsMillis.add((OPENS.get(i) - OPENS.get(i - 1)) / 1_000_000);
    }
    assertThat(gapsMillis.get(0))
        .as("after the first refusal, at least the base")
        .isGreaterThanOrEqualTo(100);
    assertThat(gapsMillis.get(1))
        .as("after the second, twice the base")
        .isGreaterThanOrEqualTo(200);
    assertThat(gapsMillis.get(2)).as("after the third, four times").isGreaterThanOrEqualTo(400);
    assertThat(disconnects)
        .containsExactly(
            new RealtimeClient.Disconnect(code, reason, Optional.of(Duration.ofMillis(100))),
            new RealtimeClient.Disconnect(code, reason, Optional.of(Duration.ofMillis(200))),
            new RealtimeClient.Disconnect(code, reason, Optional.of(Duration.ofMillis(400))));
  }

  @Test
  void aPolicyRefusalIsFinalAndTheApplicationIsToldWhy() {
    script(Integer.MAX_VALUE, 1008, "Invalid API key");
    client = builder(server.getPort(), 20).build().connect();

    await().atMost(WAIT).until(() -> disconnects.size() == 1);
    await().during(Duration.ofMillis(700)).atMost(WAIT).until(() -> OPENS.size() == 1);

    assertThat(disconnects)
        .containsExactly(new RealtimeClient.Disconnect(1008, "Invalid API key", Optional.empty()));
    assertThat(disconnects.get(0).isFinal()).isTrue();
    assertThat(client.isConnected()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"1000, Idle timeout", "1001, Server shutting down", "1011, Internal error"})
  void otherClosesKeepRetryingWithFullJitterAsBefore(int code, String reason) {
    script(2, code, reason);
    client = builder(server.getPort(), 20).build().connect();

    await().atMost(WAIT).until(() -> OPENS.size() == 3 && client.isConnected());

    assertThat(disconnects)
        .containsExactly(
            new RealtimeClient.Disconnect(code, reason, Optional.of(Duration.ZERO)),
            new RealtimeClient.Disconnect(code, reason, Optional.of(Duration.ZERO)));
  }

  @Test
  void attemptsThatNeverOpenUseUpMaxAttempts() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AtomicInteger gaveUp = new AtomicInteger();
    client = builder(port, 2).onGiveUp(gaveUp::incrementAndGet).build().connect();

    await().atMost(WAIT).until(() -> gaveUp.get() == 1);
    assertThat(disconnects).as("nothing opened, so nothing closed").isEmpty();
  }
}
