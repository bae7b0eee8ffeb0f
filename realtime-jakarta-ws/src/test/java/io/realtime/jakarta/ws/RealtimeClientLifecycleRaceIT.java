package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.client.RealtimeClient;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.connection.SubscriptionLimits;
import io.realtime.message.ErrorReply;
import io.realtime.message.Message;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client where its life cycle meets the network: {@code close()} while a handshake is in
 * flight, a subscribe made while a connection opens, a subscribe the server refuses, a second
 * {@code connect()}, and the attempts a first {@code connect()} makes before it gives up.
 */
class RealtimeClientLifecycleRaceIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Server sessions open now, and how many ever opened. */
  private static final Set<Session> OPEN = ConcurrentHashMap.newKeySet();

  private static final AtomicInteger OPENED = new AtomicInteger();

  /** What the recording server saw, in order: {@code open}, then each frame. */
  private static final List<String> FRAMES = new CopyOnWriteArrayList<>();

  /** Counted down when a handshake reaches the server; the handshake waits for {@link #release}. */
  private static volatile CountDownLatch inHandshake = new CountDownLatch(1);

  private static volatile CountDownLatch release = new CountDownLatch(0);

  /** Holds each handshake until the test releases it. */
  public static final class HeldHandshake extends ServerEndpointConfig.Configurator {
    @Override
    public void modifyHandshake(
        ServerEndpointConfig config,
        HandshakeRequest request,
        jakarta.websocket.HandshakeResponse response) {
      inHandshake.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Records what it sees; its handshakes can be held. */
  @ServerEndpoint(value = "/ws/events", configurator = HeldHandshake.class)
  public static final class RecordingServer {
    @OnOpen
    public void open(Session session) {
      OPEN.add(session);
      OPENED.incrementAndGet();
      FRAMES.add("open");
    }

    @OnMessage
    public void message(String text) {
      FRAMES.add(text);
    }

    @OnClose
    public void close(Session session) {
      OPEN.remove(session);
    }
  }

  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
  private RealtimeClient client;

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    if (client != null) {
      client.close();
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    FRAMES.clear();
    OPEN.clear();
    OPENED.set(0);
  }

  private int startRecordingServer() throws Exception {
    Server server = new Server("127.0.0.1", -1, "/", Map.of(), Set.of(RecordingServer.class));
    server.start();
    resources.add(server::stop);
    return server.getPort();
  }

  private static RealtimeClient.Builder builder(int port) {
    return RealtimeClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws/events"))
        .container(ClientManager.createClient())
        .reconnect(Duration.ofMillis(50), Duration.ofMillis(200), 50);
  }

  @Test
  void closeWhileTheHandshakeIsInFlightLeavesNoConnectionOpen() throws Exception {
    inHandshake = new CountDownLatch(1);
    release = new CountDownLatch(1);
    int port = startRecordingServer();
    client = builder(port).build().connect();
    assertThat(inHandshake.await(15, TimeUnit.SECONDS)).isTrue();

    client.close();
    release.countDown(); // the handshake completes after close()

    await().atMost(WAIT).until(() -> OPENED.get() == 1);
    await().atMost(WAIT).until(OPEN::isEmpty);
    assertThat(client.isConnected()).isFalse();
  }

  @Test
  void aSubscribeMadeWhileTheConnectionOpensIsSentOnce() throws Exception {
    int port = startRecordingServer();
    client = builder(port).build();
    client.subscribe(List.of("alert.*"));
    // Holding the client's monitor stops the opening connection where its session is already
    // visible (isConnected) and the remembered set not yet sent, as a slow thread would.
    synchronized (client) {
      client.connect();
      await().atMost(WAIT).until(client::isConnected);
      client.subscribe(List.of("job.*"));
    }
    await().atMost(WAIT).until(() -> FRAMES.size() >= 3);
    await()
        .during(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(() -> FRAMES.stream().filter(frame -> frame.contains("job.*")).count() <= 1);
    assertThat(FRAMES.stream().filter(frame -> frame.contains("job.*"))).hasSize(1);
  }

  @Test
  void aSecondConnectWhileConnectedKeepsOneConnection() throws Exception {
    int port = startRecordingServer();
    client = builder(port).build().connect();
    await().atMost(WAIT).until(() -> OPEN.size() == 1 && client.isConnected());

    client.connect();

    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> OPENED.get() == 1);
  }

  @Test
  void aSubscribeTheServerRefusesDoesNotWidenTheFilterAfterAReconnect() throws Exception {
    // The server holds at most two patterns per connection; the client keeps the default 64.
    InMemoryEventEndpoints endpoints =
        InMemoryEventEndpoints.start(new SubscriptionLimits(2, 64, 100), resources);
    ConnectionRegistry registry = endpoints.registry();
    int port = endpoints.port();
    List<Message> errors = new CopyOnWriteArrayList<>();
    client =
        builder(port)
            .onControl(
                message -> {
                  if (message instanceof ErrorReply) {
                    errors.add(message);
                  }
                })
            .build()
            .connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && client.isConnected());

    client.subscribe(List.of("alert.*")).subscribe(List.of("job.*"));
    client.subscribe(List.of("audit.*")); // the server refuses this one: a third pattern
    await().atMost(WAIT).until(() -> errors.size() == 1);
    List<String> held = InMemoryEventEndpoints.serverPatterns(registry);
    assertThat(held).containsExactly("alert.*", "job.*");

    RegisteredConnection first = registry.connections("events").iterator().next();
    first.abort(new CloseReason(1001, "restart"));
    // The next connection has taken the client's re-sent subscriptions: acknowledged or refused.
    await()
        .atMost(WAIT)
        .until(
            () ->
                registry.connections("events").stream().anyMatch(c -> c != first)
                    && (errors.size() == 2
                        || InMemoryEventEndpoints.serverPatterns(registry).size() >= 2));

    assertThat(InMemoryEventEndpoints.serverPatterns(registry))
        .as("what the server filters after the reconnect (empty: every event type)")
        .isEqualTo(held);
  }

  @Test
  void theFirstConnectGivesUpAfterMaxAttemptsThatFailToOpen() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    ServerSocket refusing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resources.add(refusing);
    Thread acceptor =
        new Thread(
            () -> {
              while (!refusing.isClosed()) {
                try (Socket socket = refusing.accept()) {
                  accepted.incrementAndGet();
                  refuseHandshake(socket); // the attempt fails to open
                } catch (IOException e) {
                  return;
                }
              }
            },
            "refusing-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    AtomicInteger gaveUp = new AtomicInteger();
    client =
        RealtimeClient.builder(
                URI.create("ws://127.0.0.1:" + refusing.getLocalPort() + "/ws/events"))
            .container(ClientManager.createClient())
            .reconnect(Duration.ofMillis(10), Duration.ofMillis(20), 2)
            .onGiveUp(gaveUp::incrementAndGet)
            .build()
            .connect();

    await().atMost(WAIT).until(() -> gaveUp.get() == 1);
    assertThat(accepted.get()).as("attempts that failed to open").isEqualTo(2);

    client.connect(); // after giving up, connect() starts again
    await().atMost(WAIT).until(() -> gaveUp.get() == 2);
    assertThat(accepted.get()).isEqualTo(4);
  }

  /** Reads the upgrade request and answers 503, so the client's handshake fails at once. */
  private static void refuseHandshake(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
    OutputStream out = socket.getOutputStream();
    out.write(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
