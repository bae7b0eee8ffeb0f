package io.realtime.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.OutboundLimits;
import io.realtime.health.ObservedParts;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.jakarta.ws.tyrus.RealtimeTyrusContainer;
import io.realtime.jakarta.ws.tyrus.TyrusFrameGuard;
import io.realtime.message.Envelope;
import io.realtime.observe.RealtimeObserver;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.test.RawWebSocketClient;
import io.realtime.test.hostile.RecordingSocket;
import io.realtime.time.TimeSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The meters after real traffic: WebSocket clients on a Tyrus server, an event broadcaster on the
 * shared Redis (127.0.0.1:6379), refusals by the real admission, and a client that stops reading.
 */
class RealtimeMetricsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String KEY = "metrics-it-key";
  private static final Pattern EPOCH = Pattern.compile("\"epoch\":\"([^\"]+)\"");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final String channel = "metrics_it_" + UUID.randomUUID().toString().substring(0, 8);
  private EventBroadcaster events;
  private int port;

  @BeforeEach
  void start() throws Exception {
    RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
    RealtimeObserver observer = metricsBuilder.observer();
    RedisTransport transport =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .uri("redis://127.0.0.1:6379")
                .keyPrefix(keyPrefix())
                .historySize(10)
                .build(),
            observer);
    closeables.add(transport);
    ConnectionRegistry registry =
        ConnectionRegistry.builder()
            .outboundLimits(new OutboundLimits(50, 1 << 20))
            .observer(observer)
            .build();
    closeables.add(() -> registry.shutdown(Duration.ofMillis(500)).join());
    events =
        EventBroadcaster.builder(transport, registry)
            .transportChannel(channel)
            .observer(observer)
            .build();
    closeables.add(events);
    RealtimeWebSocket websocket =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .apiKeys(List.of(KEY))
            .maxConnections(3)
            .rateLimiter(
                new SlidingWindowRateLimiter(4, 0, Duration.ofMinutes(1), TimeSource.system()))
            .observer(observer)
            .build();
    closeables.add(websocket);
    metricsBuilder
        .parts(ObservedParts.builder().eventBroadcaster(events).build())
        .build()
        .bindTo(meters);
    port = startTyrus(websocket);
    events.start();
    await().atMost(WAIT).until(events::isLive);
  }

  private int startTyrus(RealtimeWebSocket websocket) throws Exception {
    TyrusServerContainer container = new RealtimeTyrusContainer(websocket);
    HttpServer server = new HttpServer();
    NetworkListener listener = new NetworkListener("metrics-it", "127.0.0.1", 0);
    listener.registerAddOn(new WebSocketAddOn(container, "/"));
    server.addListener(listener);
    TyrusFrameGuard.install(server, websocket.messageLimits());
    server.start();
    container.start("/", listener.getPort());
    container.doneDeployment();
    closeables.add(server::shutdownNow);
    closeables.add(container::stop);
    return listener.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    // The shared Redis keeps nothing of this test: its keys are all under its own prefix.
    try (Jedis jedis = new Jedis("127.0.0.1", 6379)) {
      ScanParams match = new ScanParams().match(keyPrefix() + ":*").count(1_000);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, match);
        if (!page.getResult().isEmpty()) {
          jedis.del(page.getResult().toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }

  private String keyPrefix() {
    return "realtime-it-" + channel;
  }

  private URI uri(String key) {
    return URI.create("ws://127.0.0.1:" + port + "/ws/events?api_key=" + key);
  }

  private double connections() {
    return meters.get(RealtimeMetrics.CONNECTIONS).tag("channel", "events").gauge().value();
  }

  private double count(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).functionCounter().count();
  }

  private void publish(Map<String, ?> data) {
    events.publish(Envelope.of("metrics.test", data)).toCompletableFuture().join();
  }

  private RawWebSocketClient.Close refused(RawWebSocketClient.Builder client) throws Exception {
    try (RawWebSocketClient refused = client.connect()) {
      return refused.awaitClose(WAIT);
    }
  }

  @Test
  void sentMessagesResyncsAndPublishLatencyAfterTraffic() throws Exception {
    RecordingSocket first = RecordingSocket.connect(uri(KEY));
    RecordingSocket second = RecordingSocket.connect(uri(KEY));
    closeables.add(first);
    closeables.add(second);
    await().atMost(WAIT).until(() -> connections() == 2);

    for (int n = 1; n <= 5; n++) {
      publish(Map.of("n", n));
    }
    first.awaitCount(m -> m.contains("metrics.test"), 5, WAIT);
    second.awaitCount(m -> m.contains("metrics.test"), 5, WAIT);

    // Counted once each write completed and each append's stage completed, which may follow what
    // the clients and the publisher saw by a moment (seen in CI: 9 of 10 counted at first).
    await()
        .atMost(WAIT)
        .until(() -> count(RealtimeMetrics.MESSAGES_SENT, "channel", "events") == 10);
    Timer appends =
        meters
            .get(RealtimeMetrics.TRANSPORT_PUBLISH)
            .tags("transport", "redis", "operation", "append", "outcome", "success")
            .timer();
    await().atMost(WAIT).until(() -> appends.count() == 5);
    assertThat(appends.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    assertThat(
            meters
                .get(RealtimeMetrics.BREAKER_STATE)
                .tag("name", "event_broadcaster")
                .gauge()
                .value())
        .isZero();

    Matcher epoch = EPOCH.matcher(first.texts().get(0));
    assertThat(epoch.find()).isTrue();
    first.send(resync(3, epoch.group(1)));
    first.awaitMessage(m -> m.contains("resync_ack"), WAIT);
    for (int n = 6; n <= 15; n++) {
      publish(Map.of("n", n)); // the history keeps 6..15
    }
    first.awaitCount(m -> m.contains("metrics.test"), 15, WAIT);
    first.send(resync(1, epoch.group(1)));
    first.awaitMessage(m -> m.contains("gap_too_old"), WAIT);

    await().atMost(WAIT).until(() -> count(RealtimeMetrics.RESYNCS, "outcome", "too_old") == 1);
    await().atMost(WAIT).until(() -> count(RealtimeMetrics.RESYNCS, "outcome", "recovered") == 1);

    first.close();
    await().atMost(WAIT).until(() -> connections() == 1);
  }

  private String resync(long lastSequence, String epoch) {
    return "{\"type\":\"resync\",\"data\":{\"channel\":\""
        + channel
        + "\",\"last_sequence\":"
        + lastSequence
        + ",\"epoch\":\""
        + epoch
        + "\"}}";
  }

  @Test
  void refusalsAreCountedByReasonAndASlowClientIsClosed() throws Exception {
    RawWebSocketClient.Builder events = RawWebSocketClient.builder("127.0.0.1", port);
    assertThat(refused(events.path("/ws/events?api_key=wrong")).code()).isEqualTo(1008);
    assertThat(
            refused(
                    RawWebSocketClient.builder("127.0.0.1", port)
                        .path("/ws/events?api_key=" + KEY)
                        .origin("http://evil.example"))
                .code())
        .isEqualTo(1008);
    RecordingSocket reader = RecordingSocket.connect(uri(KEY)); // attempt 1 of the rate limit
    closeables.add(reader);
    RecordingSocket other = RecordingSocket.connect(uri(KEY)); // attempt 2
    closeables.add(other);
    Socket slow = stalledClient(); // attempt 3, the third and last connection the cap allows
    closeables.add(slow);
    await().atMost(WAIT).until(() -> connections() == 3);
    RawWebSocketClient.Builder good =
        RawWebSocketClient.builder("127.0.0.1", port).path("/ws/events?api_key=" + KEY);
    assertThat(refused(good).reason()).isEqualTo("Server at connection limit"); // attempt 4
    assertThat(refused(good).reason()).isEqualTo("Too many connections"); // attempt 5

    for (String reason : List.of("auth", "origin", "cap", "rate_limit")) {
      await().atMost(WAIT).until(() -> count(RealtimeMetrics.REFUSED, "reason", reason) == 1);
    }

    // The stalled client reads nothing: once the socket buffers are full its queue passes 50.
    String blob = "x".repeat(16 * 1024);
    for (int n = 0;
        n < 2_000
            && meters.get(RealtimeMetrics.SLOW_CONSUMER_CLOSES).functionCounter().count() == 0;
        n++) {
      publish(Map.of("n", n, "blob", blob));
    }
    assertThat(meters.get(RealtimeMetrics.SLOW_CONSUMER_CLOSES).functionCounter().count())
        .isEqualTo(1);
    await().atMost(WAIT).until(() -> connections() == 2);
    await()
        .atMost(WAIT)
        .until(() -> count(RealtimeMetrics.MESSAGES_DROPPED, "channel", "events") > 50);
    assertThat(meters.get(RealtimeMetrics.QUEUE_DEPTH).summary().max()).isGreaterThan(50);
  }

  /** Opens a WebSocket with a small receive buffer and never reads past the handshake. */
  private Socket stalledClient() throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT.toMillis());
    socket.setSoTimeout((int) WAIT.toMillis());
    byte[] nonce = new byte[16];
    new java.util.Random().nextBytes(nonce);
    String request =
        "GET /ws/events?api_key="
            + KEY
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(nonce)
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.write(b);
    }
    assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
    return socket;
  }
}
