package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.client.RealtimeClient;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.connection.SubscriptionLimits;
import io.realtime.message.Envelope;
import io.realtime.message.ErrorReply;
import io.realtime.message.Message;
import io.realtime.message.MessageTypes;
import io.realtime.message.SubscriptionAck;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.time.TaskScheduler;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client keeps its subscriptions across reconnects: against the real endpoints, only the
 * subscribed types arrive after a dropped connection (live and replayed); against a recording
 * server that is restarted, each new connection's first frames are the subscription, then the
 * resync.
 */
class RealtimeClientSubscriptionIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  /** What the recording server saw, in order: {@code open} for each connection, then its frames. */
  private static final List<String> FRAMES = new CopyOnWriteArrayList<>();

  /** The resync after the recording server's event seq 1 of epoch e1. */
  private static final String RESYNC_FROM_1 =
      "{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":1,\"epoch\":\"e1\"}}";

  /** Records every frame; sends event seq 1 on open, so that a reconnect resyncs. */
  @ServerEndpoint("/ws/events")
  public static final class RecordingServer {
    @OnOpen
    public void open(Session session) throws IOException {
      FRAMES.add("open");
      session.getBasicRemote().sendText(RealtimeClientGapIT.GappyServer.event(1, false));
    }

    @OnMessage
    public void message(String text) {
      FRAMES.add(text);
    }
  }

  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
  private Server recordingServer;
  private RealtimeClient client;

  @AfterEach
  void stop() throws Exception {
    FRAMES.clear();
    if (client != null) {
      client.close();
    }
    if (recordingServer != null) {
      recordingServer.stop();
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private RealtimeClient.Builder builder(int port, Duration backoffBase) {
    return RealtimeClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws/events"))
        .container(ClientManager.createClient())
        .reconnect(backoffBase, backoffBase.multipliedBy(4), 50)
        .onOther(envelope -> received.add(envelope.type() + ":" + envelope.seq()))
        .on(MessageTypes.EVENT, envelope -> received.add(envelope.type() + ":" + envelope.seq()));
  }

  @Test
  void afterADroppedConnectionOnlySubscribedTypesArriveLiveAndReplayed() throws Exception {
    InMemoryEventEndpoints endpoints =
        InMemoryEventEndpoints.start(SubscriptionLimits.DEFAULT, resources);
    ConnectionRegistry registry = endpoints.registry();
    EventBroadcaster events = endpoints.events();
    int port = endpoints.port();
    // Reconnects wait until the test has published what the client must get by its resync, so
    // that nothing of it can reach the next connection live, before that one subscribed.
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    resources.add(executor::shutdownNow);
    TaskScheduler direct = TaskScheduler.of(executor);
    CountDownLatch published = new CountDownLatch(1);
    TaskScheduler scheduler =
        (task, delay) ->
            delay.isZero()
                ? direct.schedule(task, delay)
                : direct.schedule(() -> awaitThenRun(published, task), delay);
    client = builder(port, Duration.ofMillis(50)).scheduler(scheduler).build().connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && client.isConnected());

    client.subscribe(List.of("alert.*"));
    await()
        .atMost(WAIT)
        .until(() -> InMemoryEventEndpoints.serverPatterns(registry).equals(List.of("alert.*")));
    publish(events, 1);
    await().atMost(WAIT).until(() -> received.contains("alert.raised:2"));

    registry.connections("events").iterator().next().abort(new CloseReason(1013, "slow consumer"));
    publish(events, 3); // seq 3 and 4, while the client is away
    published.countDown();
    await().atMost(WAIT).until(() -> received.contains("alert.raised:4"));
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && client.isConnected());
    publish(events, 5); // seq 5 and 6, live on the new connection
    await().atMost(WAIT).until(() -> received.contains("alert.raised:6"));

    assertThat(received).containsExactly("alert.raised:2", "alert.raised:4", "alert.raised:6");
    assertThat(InMemoryEventEndpoints.serverPatterns(registry)).containsExactly("alert.*");
    assertThat(client.subscriptions()).containsExactly("alert.*");
  }

  @Test
  void aRefusedSubscribeIsAskedAgainOnItsOwnAfterAReconnectAndTakenOnceThereIsRoom()
      throws Exception {
    // The server holds at most two patterns per connection; the client keeps the default 64.
    InMemoryEventEndpoints endpoints =
        InMemoryEventEndpoints.start(new SubscriptionLimits(2, 64, 100), resources);
    ConnectionRegistry registry = endpoints.registry();
    List<Message> answers = new CopyOnWriteArrayList<>();
    client =
        builder(endpoints.port(), Duration.ofMillis(50)).onControl(answers::add).build().connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && client.isConnected());

    client.subscribe(List.of("a")).subscribe(List.of("b")).subscribe(List.of("c")); // c: refused
    client.unsubscribe(List.of("a"));
    await().atMost(WAIT).until(() -> answers.size() == 4);
    assertThat(answers.get(2)).isInstanceOf(ErrorReply.class);
    assertThat(InMemoryEventEndpoints.serverPatterns(registry)).containsExactly("b");
    assertThat(client.subscriptions()).containsExactly("b", "c"); // confirmed, then pending

    RegisteredConnection first = restart(registry);
    // Confirmed [b] first, then the pending [c] on its own: now there is room for it.
    await()
        .atMost(WAIT)
        .until(
            () ->
                replaced(registry, first)
                    && InMemoryEventEndpoints.serverPatterns(registry).equals(List.of("b", "c")));
  }

  @Test
  void unsubscribeAllIsNotUndoneByTheAnswersToRequestsBeforeIt() throws Exception {
    InMemoryEventEndpoints endpoints =
        InMemoryEventEndpoints.start(SubscriptionLimits.DEFAULT, resources);
    ConnectionRegistry registry = endpoints.registry();
    List<Message> answers = new CopyOnWriteArrayList<>();
    client =
        builder(endpoints.port(), Duration.ofMillis(50)).onControl(answers::add).build().connect();
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && client.isConnected());

    client.subscribe(List.of("alert.*")).unsubscribeAll(); // its acknowledgement comes later
    await().atMost(WAIT).until(() -> answers.size() == 2);
    RegisteredConnection first = restart(registry);
    await().atMost(WAIT).until(() -> registry.count("events") == 1 && replaced(registry, first));
    client.subscribe(List.of("job.*")); // after the restore: the only pattern the server holds
    await().atMost(WAIT).until(() -> answers.size() >= 3);

    // The new connection was sent nothing before: the third answer is this subscribe's.
    assertThat(answers.get(2)).isEqualTo(SubscriptionAck.subscribed(List.of("job.*")));
    assertThat(InMemoryEventEndpoints.serverPatterns(registry)).containsExactly("job.*");
    assertThat(client.subscriptions()).containsExactly("job.*");
  }

  @Test
  void eachNewConnectionSendsTheSubscriptionsFirstThenTheResync() throws Exception {
    int port = startRecordingServer(-1);
    client = builder(port, Duration.ofMillis(50)).build();
    client.subscribe(List.of("alert.*", "Job.*")); // before connecting: sent on connect
    client.connect();
    await().atMost(WAIT).until(() -> client.lastSeq() == 1 && FRAMES.size() == 2);
    assertThat(FRAMES)
        .containsExactly(
            "open", "{\"type\":\"subscribe\",\"data\":{\"events\":[\"alert.*\",\"job.*\"]}}");

    restartRecordingServer(port);

    await().atMost(WAIT).until(() -> FRAMES.size() == 5);
    assertThat(FRAMES.subList(2, 5))
        .containsExactly(
            "open",
            "{\"type\":\"subscribe\",\"data\":{\"events\":[\"alert.*\",\"job.*\"]}}",
            RESYNC_FROM_1);
  }

  @Test
  void aFilterEmptiedByUnsubscribeIsRestoredAndUnsubscribeAllIsNotSentAgain() throws Exception {
    int port = startRecordingServer(-1);
    client = builder(port, Duration.ofMillis(50)).build().connect();
    await().atMost(WAIT).until(() -> client.lastSeq() == 1 && client.isConnected());

    client.subscribe(List.of("alert.*")).unsubscribe(List.of("alert.*", "never.subscribed"));
    await().atMost(WAIT).until(() -> FRAMES.size() == 3);
    assertThat(client.subscriptions()).isEmpty();

    restartRecordingServer(port);
    // A fresh connection receives everything: receiving nothing takes a subscribe and its undoing.
    await().atMost(WAIT).until(() -> FRAMES.size() == 7);
    assertThat(FRAMES.subList(3, 7))
        .containsExactly(
            "open",
            "{\"type\":\"subscribe\",\"data\":{\"events\":[\"alert.*\"]}}",
            "{\"type\":\"unsubscribe\",\"data\":{\"events\":[\"alert.*\"]}}",
            RESYNC_FROM_1);

    client.unsubscribeAll();
    await().atMost(WAIT).until(() -> FRAMES.size() == 8);
    assertThat(FRAMES.get(7)).isEqualTo("{\"type\":\"unsubscribe\",\"data\":{}}");
    restartRecordingServer(port);
    await().atMost(WAIT).until(() -> FRAMES.size() == 10);
    assertThat(FRAMES.subList(8, 10)).containsExactly("open", RESYNC_FROM_1);
  }

  /** Starts the recording server on this port ({@code -1}: any free one) and returns the port. */
  private int startRecordingServer(int port) throws Exception {
    recordingServer = new Server("127.0.0.1", port, "/", Map.of(), Set.of(RecordingServer.class));
    recordingServer.start();
    return recordingServer.getPort();
  }

  private void restartRecordingServer(int port) throws Exception {
    recordingServer.stop();
    startRecordingServer(port);
  }

  private static void awaitThenRun(CountDownLatch latch, Runnable task) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    task.run();
  }

  /** Drops the one connection as a restarting server would; returns it. */
  private static RegisteredConnection restart(ConnectionRegistry registry) {
    RegisteredConnection first = registry.connections("events").iterator().next();
    first.abort(new CloseReason(1001, "restart"));
    return first;
  }

  /** Tells whether a connection other than this one is registered. */
  private static boolean replaced(ConnectionRegistry registry, RegisteredConnection first) {
    return registry.connections("events").stream().anyMatch(c -> c != first);
  }

  /**
   * Publishes an {@code event} with seq {@code n}, then an {@code alert.raised} with {@code n+1}.
   */
  private static void publish(EventBroadcaster events, long n) {
    events
        .publish(
            Envelope.event(SecurityEvent.of(n, n, "b", "gate", 10, RiskLevel.LOW, "e" + n, null)))
        .toCompletableFuture()
        .join();
    events.publish(Envelope.of("alert.raised", Map.of("n", n + 1))).toCompletableFuture().join();
  }
}
