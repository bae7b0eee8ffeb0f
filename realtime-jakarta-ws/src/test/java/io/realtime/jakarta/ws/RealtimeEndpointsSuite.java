package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.EventBroadcasterBuilder;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.broadcast.SystemBroadcasterBuilder;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.metrics.MetricSources;
import io.realtime.protocol.ClientProtocol;
import io.realtime.test.FlakyTransport;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The end-to-end suite every container runs: a real server on an ephemeral port, a real client.
 * Subclasses only say which container.
 */
abstract class RealtimeEndpointsSuite {

  private static final Duration WAIT = Duration.ofSeconds(10);

  protected abstract WebSocketServerUnderTest server();

  private final InMemoryBackbone backbone = new InMemoryBackbone();
  private final List<AutoCloseable> closeables = backbone.closeables;
  private final InMemoryTransport transport = backbone.transport;
  private final ConnectionRegistry registry = backbone.registry;
  private EventBroadcaster events;
  private SystemBroadcaster system;
  private JobLogEmitter jobs;
  private int port;

  @AfterEach
  void stop() throws Exception {
    backbone.close();
  }

  private void start(Consumer<RealtimeWebSocket.Builder> options) throws Exception {
    start(eventOptions -> {}, systemOptions -> {}, options);
  }

  private void start(
      Consumer<EventBroadcasterBuilder> eventOptions,
      Consumer<SystemBroadcasterBuilder> systemOptions,
      Consumer<RealtimeWebSocket.Builder> options)
      throws Exception {
    EventBroadcasterBuilder eventBuilder = EventBroadcaster.builder(transport, registry);
    eventOptions.accept(eventBuilder);
    events = eventBuilder.build();
    events.start();
    closeables.add(events);
    SystemBroadcasterBuilder systemBuilder =
        SystemBroadcaster.builder(
                transport,
                registry,
                MetricSources.builder().host(() -> new HostStats(1.0, 2.0, 4.0, 8.0, 16.0)).build())
            .instanceId("node-it");
    systemOptions.accept(systemBuilder);
    system = systemBuilder.build();
    system.start();
    closeables.add(system);
    jobs = new JobLogEmitter(transport, MessageCodec.json(), TimeSource.system());
    closeables.add(jobs);
    RealtimeWebSocket.Builder builder =
        RealtimeWebSocket.builder(registry).events(events).system(system).jobLogs(jobs);
    options.accept(builder);
    RealtimeWebSocket websocket = builder.build();
    closeables.add(websocket);
    WebSocketServerUnderTest server = server();
    closeables.add(server);
    port = server.start(websocket);
  }

  private void start() throws Exception {
    start(builder -> {});
  }

  private String url(String path) {
    return "ws://127.0.0.1:" + port + path;
  }

  private TestClient client(String path) throws Exception {
    TestClient client = TestClient.connect(url(path));
    closeables.add(client);
    return client;
  }

  private void publish(long n) {
    events
        .publish(
            Envelope.event(
                SecurityEvent.of(n, n, "b", "front_door", 80, RiskLevel.HIGH, "event " + n, null)))
        .toCompletableFuture()
        .join();
  }

  @Test
  void eventsReachAClientWithTheirSeq() throws Exception {
    start();
    TestClient client = client("/ws/events");
    await().atMost(WAIT).until(() -> registry.count("events") == 1);

    publish(1);

    assertThat(client.awaitMessage(m -> m.contains("\"type\":\"event\"")))
        .contains("\"summary\":\"event 1\"")
        .contains("\"seq\":1");
  }

  @Test
  void theEndpointsServeTheClientChannelsTheBroadcastersWereGiven() throws Exception {
    start(
        eventOptions -> eventOptions.clientChannel("alerts"),
        systemOptions -> systemOptions.clientChannel("status"),
        options -> {});
    TestClient status = client("/ws/system");
    TestClient alerts = client("/ws/events");
    await()
        .atMost(WAIT)
        .until(() -> registry.count("status") == 1 && registry.count("alerts") == 1);
    status.awaitMessage(m -> m.contains("\"type\":\"system_status\""));

    publish(1);
    system.collectNow().toCompletableFuture().join();

    assertThat(alerts.awaitMessage(m -> m.contains("\"type\":\"event\""))).contains("event 1");
    await()
        .atMost(WAIT)
        .until(
            () -> status.received.stream().filter(m -> m.contains("system_status")).count() >= 2);
  }

  @Test
  void theProtocolAnswersAsTheOriginal() throws Exception {
    start();
    TestClient client = client("/ws/events");

    client.send("ping");
    client.awaitMessage(m -> m.equals("{\"type\":\"pong\"}"));
    client.send("{\"type\":\"SUBSCRIBE\",\"data\":{\"events\":[\"Alert.*\"]}}");
    client.awaitMessage(m -> m.equals("{\"action\":\"subscribed\",\"events\":[\"alert.*\"]}"));
    client.send("{\"type\":\"unsubscribe\"}");
    client.awaitMessage(m -> m.equals("{\"action\":\"unsubscribed\",\"events\":[\"alert.*\"]}"));
    client.send("{\"data\":{}}");
    client.awaitMessage(m -> m.contains("\"error\":\"invalid_message_format\""));
    client.send("{\"type\":\"subscribe\",\"data\":{}}");
    client.awaitMessage(
        m -> m.contains("\"error\":\"validation_error\"") && m.contains("'events' array"));
    client.send("{not json");
    client.awaitMessage(m -> m.contains("\"error\":\"invalid_json\""));
    client.send("{\"type\":\"hello\"}");
    client.awaitMessage(m -> m.contains("Unknown message type: hello"));
    client.sendBinary();
    client.awaitMessage(m -> m.contains("Binary frames are not supported"));
    client.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70_000) + "\"}");
    client.awaitMessage(m -> m.contains("Message too large"));
    client.send("{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":0}}");
    client.awaitMessage(m -> m.startsWith("{\"type\":\"resync_ack\""));
    assertThat(client.session.isOpen()).isTrue();
  }

  @Test
  void anApiKeyIsAcceptedFromTheQueryOrTheEchoedSubprotocol() throws Exception {
    start(builder -> builder.apiKeys(List.of("k-123")));

    TestClient byQuery = client("/ws/events?api_key=k-123");
    TestClient bySubprotocol = TestClient.connect(url("/ws/events"), List.of("api-key.k-123"));
    closeables.add(bySubprotocol);
    TestClient wrong = client("/ws/events?api_key=nope");
    TestClient missing = client("/ws/events");

    assertThat(bySubprotocol.session.getNegotiatedSubprotocol()).isEqualTo("api-key.k-123");
    assertThat(wrong.awaitClose().getCloseCode().getCode()).isEqualTo(1008);
    assertThat(wrong.closed.get().getReasonPhrase())
        .isEqualTo("Invalid API key")
        .doesNotContain("nope");
    assertThat(missing.awaitClose().getReasonPhrase()).isEqualTo("API key required");
    await().atMost(WAIT).until(() -> registry.count("events") == 2);
    assertThat(byQuery.session.isOpen()).isTrue();
  }

  @Test
  void aTokenIsRequiredWhenConfigured() throws Exception {
    start(builder -> builder.token("t0k3n"));

    TestClient missing = client("/ws/system");
    TestClient wrong = client("/ws/system?token=guess");
    TestClient right = client("/ws/system?token=t0k3n");

    assertThat(missing.awaitClose().getReasonPhrase()).isEqualTo("Authentication token required");
    CloseReason refused = wrong.awaitClose();
    assertThat(refused.getCloseCode().getCode()).isEqualTo(1008);
    assertThat(refused.getReasonPhrase()).isEqualTo("Invalid authentication token");
    right.awaitMessage(m -> m.contains("\"type\":\"system_status\""));
  }

  @Test
  void connectionsAreRateLimitedPerClientAndRefusedForLoadWith1013() throws Exception {
    start(
        builder ->
            builder.rateLimiter(
                new SlidingWindowRateLimiter(1, 1, Duration.ofMinutes(1), TimeSource.system())));

    client("/ws/events");
    client("/ws/events");
    // The server's onOpen, where the rate limit is taken, may run after the client's handshake.
    await().atMost(WAIT).until(() -> registry.count("events") == 2);
    TestClient third = client("/ws/events");

    CloseReason refused = third.awaitClose();
    assertThat(refused.getCloseCode().getCode()).isEqualTo(1013);
    assertThat(refused.getReasonPhrase()).isEqualTo("Too many connections");
  }

  @Test
  void failedLoginsDoNotUseUpTheRateLimit() throws Exception {
    start(
        builder ->
            builder
                .apiKeys(List.of("k-123"))
                .rateLimiter(
                    new SlidingWindowRateLimiter(
                        1, 0, Duration.ofMinutes(1), TimeSource.system())));

    for (int i = 0; i < 3; i++) {
      assertThat(client("/ws/events?api_key=wrong").awaitClose().getCloseCode().getCode())
          .isEqualTo(1008);
    }
    TestClient right = client("/ws/events?api_key=k-123");
    await().atMost(WAIT).until(() -> registry.count("events") == 1);
    assertThat(right.session.isOpen()).isTrue();
  }

  @Test
  void concurrentConnectionsAreCappedInAllAndPerAddress() throws Exception {
    start(builder -> builder.maxConnections(3).maxConnectionsPerAddress(2));

    TestClient first = client("/ws/events");
    client("/ws/system");
    // A container may run the server's onOpen, where a place is taken, after the client's handshake
    // completed: the third comes only once both hold theirs.
    await()
        .atMost(WAIT)
        .until(() -> registry.count("events") == 1 && registry.count("system") == 1);
    CloseReason perAddress = client("/ws/events").awaitClose();
    assertThat(perAddress.getCloseCode().getCode()).isEqualTo(1013);
    assertThat(perAddress.getReasonPhrase()).isEqualTo("Too many connections from this address");

    first.close();
    await().atMost(WAIT).until(() -> registry.count("events") == 0);
    TestClient again = client("/ws/events");
    await().atMost(WAIT).until(() -> registry.count("events") == 1);
    assertThat(again.session.isOpen()).as("a closed connection gives its place back").isTrue();
  }

  @Test
  void aForeignOriginIsRefusedWith1008BeforeAnythingIsSent() throws Exception {
    start(builder -> builder.allowedOrigins(List.of("https://dashboard.example")));

    TestClient foreign =
        TestClient.connect(url("/ws/system"), List.of(), Map.of("Origin", "http://evil.example"));
    closeables.add(foreign);
    CloseReason refused = foreign.awaitClose();
    assertThat(refused.getCloseCode().getCode()).isEqualTo(1008);
    assertThat(refused.getReasonPhrase()).isEqualTo("Origin not allowed");
    assertThat(foreign.received).isEmpty();

    TestClient listed =
        TestClient.connect(
            url("/ws/system"), List.of(), Map.of("Origin", "https://dashboard.example"));
    closeables.add(listed);
    listed.awaitMessage(m -> m.contains("\"type\":\"system_status\""));
    TestClient sameOrigin =
        TestClient.connect(
            url("/ws/system"), List.of(), Map.of("Origin", "http://127.0.0.1:" + port));
    closeables.add(sameOrigin);
    sameOrigin.awaitMessage(m -> m.contains("\"type\":\"system_status\""));
    client("/ws/system").awaitMessage(m -> m.contains("\"type\":\"system_status\""));
  }

  @Test
  void everyOriginIsAcceptedWithAStar() throws Exception {
    start(builder -> builder.allowedOrigins(List.of("*")));

    TestClient foreign =
        TestClient.connect(url("/ws/system"), List.of(), Map.of("Origin", "http://evil.example"));
    closeables.add(foreign);
    foreign.awaitMessage(m -> m.contains("\"type\":\"system_status\""));
  }

  @Test
  void theSystemEndpointSendsASnapshotOnConnect() throws Exception {
    start();

    TestClient client = client("/ws/system");

    assertThat(client.awaitMessage(m -> m.contains("\"type\":\"system_status\"")))
        .contains("\"instance\":\"node-it\"");
    client.awaitMessage(
        m -> m.contains("\"type\":\"performance_update\"") && m.contains("\"cpu_percent\":1.0"));
  }

  @Test
  void aJobLogStreamsBacklogThenTailThenEnds() throws Exception {
    start();
    JobLogEmitter emitter = new JobLogEmitter(transport, MessageCodec.json(), TimeSource.system());
    emitter.emit("job-42", "info", "first", null).toCompletableFuture().join();

    TestClient client = client("/ws/jobs/job-42/logs");
    client.awaitMessage(m -> m.contains("\"message\":\"first\""));
    emitter.emit("job-42", "info", "second", null).toCompletableFuture().join();
    emitter.completed("job-42", null, null).toCompletableFuture().join();

    CloseReason closed = client.awaitClose();
    assertThat(closed.getCloseCode().getCode()).isEqualTo(1000);
    assertThat(closed.getReasonPhrase()).isEqualTo("Job finished");
    assertThat(client.received).hasSize(4);
    assertThat(client.received.get(3)).contains("\"type\":\"job_end\"");
  }

  @Test
  void aJobLogServedByTheEmitterForwardsAnOutsideProducersPlainLinesAndEnd() throws Exception {
    start();
    jobs.emit("job-43", "info", "framed", null).toCompletableFuture().join();

    TestClient client = client("/ws/jobs/job-43/logs");
    client.awaitMessage(m -> m.contains("\"message\":\"framed\""));
    String plain =
        "{\"type\":\"log\",\"data\":{\"timestamp\":\"2026-12-02T00:00:00Z\","
            + "\"level\":\"INFO\",\"message\":\"from outside\",\"context\":null}}";
    transport.publish("job:job-43:logs", plain).toCompletableFuture().join();
    transport
        .publish("job:job-43:logs", "{\"type\":\"job_end\",\"data\":{\"status\":\"completed\"}}")
        .toCompletableFuture()
        .join();

    CloseReason closed = client.awaitClose();
    assertThat(closed.getCloseCode().getCode()).isEqualTo(1000);
    assertThat(closed.getReasonPhrase()).isEqualTo("Job finished");
    assertThat(client.received).hasSize(3);
    assertThat(client.received.get(1)).contains("from outside").doesNotContain("\"seq\"");
    assertThat(client.received.get(2)).contains("\"type\":\"job_end\"");
  }

  @Test
  void aJobLogViewerWhoseSubscriptionIsNotConfirmedIsClosedWith1013() throws Exception {
    FlakyTransport unconfirmed = new FlakyTransport(transport);
    unconfirmed.holdConfirmations();
    JobLogEmitter emitter =
        JobLogEmitter.builder(unconfirmed).confirmationTimeout(Duration.ofMillis(300)).build();
    closeables.add(emitter);
    start(builder -> builder.jobLogs(emitter));

    TestClient client = client("/ws/jobs/job-44/logs");

    CloseReason closed = client.awaitClose();
    assertThat(closed.getCloseCode().getCode()).isEqualTo(1013);
    assertThat(closed.getReasonPhrase()).isEqualTo("Job log backbone unavailable; reconnect later");
    assertThat(client.received).isEmpty();
  }

  @Test
  void aJobLogServedFromATransportSendsItsBacklogOnceSubscribed() throws Exception {
    FlakyTransport held = new FlakyTransport(transport);
    held.holdConfirmations();
    start(builder -> builder.jobLogs(held));
    jobs.emit("job-45", "info", "before", null).toCompletableFuture().join();

    TestClient client = client("/ws/jobs/job-45/logs");
    await().atMost(WAIT).until(() -> held.pendingConfirmations() == 1);
    assertThat(client.received).as("nothing before the confirmation").isEmpty();
    held.releaseConfirmations();

    client.awaitMessage(m -> m.contains("\"message\":\"before\"") && m.contains("\"seq\":1"));
    jobs.emit("job-45", "info", "after", null).toCompletableFuture().join();
    client.awaitMessage(m -> m.contains("\"message\":\"after\"") && m.contains("\"seq\":2"));
  }

  @Test
  void anInvalidJobIdIsRefused() throws Exception {
    start();

    TestClient client = client("/ws/jobs/-bad/logs");

    CloseReason closed = client.awaitClose();
    assertThat(closed.getCloseCode().getCode()).isEqualTo(1008);
    assertThat(closed.getReasonPhrase()).isEqualTo("Invalid job id");
  }

  @Test
  void aProtocolBuiltByTheHostIsSpokenByEveryEndpointAndEventsStillResync() throws Exception {
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    closeables.add(timers::shutdownNow);
    ClientProtocol protocol =
        ClientProtocol.builder(TaskScheduler.of(timers))
            .pingInterval(Duration.ofMillis(300))
            .maxMessageChars(2048)
            .build();
    start(builder -> builder.protocol(protocol));
    TestClient events = client("/ws/events");
    TestClient system = client("/ws/system");

    events.awaitMessage(m -> m.startsWith("{\"type\":\"ping\""));
    system.awaitMessage(m -> m.startsWith("{\"type\":\"ping\""));
    system.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(2_100) + "\"}");
    // Past the protocol's 2,048 characters but within the container's limit, an eighth more.
    system.awaitMessage(m -> m.contains("Message too large"));
    publish(1);
    events.send("{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":0}}");
    assertThat(events.awaitMessage(m -> m.startsWith("{\"type\":\"resync_ack\"")))
        .contains("\"recovered\":true"); // the events broadcaster answered: the copy has its source
    assertThatThrownBy(
            () ->
                RealtimeWebSocket.builder(registry)
                    .events(this.events)
                    .protocol(protocol)
                    .idleTimeout(Duration.ofSeconds(9))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("set idleTimeout on the ClientProtocol given to protocol(...)");
  }

  @Test
  void heartbeatsCarryLastSeqAndIdleClientsAreClosed() throws Exception {
    start(
        builder ->
            builder.pingInterval(Duration.ofMillis(300)).idleTimeout(Duration.ofMillis(1500)));
    TestClient client = client("/ws/events");
    await().atMost(WAIT).until(() -> registry.count("events") == 1);
    publish(1);
    client.awaitMessage(m -> m.contains("\"type\":\"event\""));

    client.awaitMessage(m -> m.equals("{\"type\":\"ping\",\"lastSeq\":1}"));
    CloseReason closed = client.awaitClose();

    assertThat(closed.getCloseCode().getCode()).isEqualTo(1000);
    assertThat(closed.getReasonPhrase()).isEqualTo("Idle timeout");
  }

  @Test
  void aGracefulShutdownTellsClientsThenClosesWith1001() throws Exception {
    start();
    TestClient client = client("/ws/events");
    await().atMost(WAIT).until(() -> registry.count("events") == 1);

    registry.shutdown(Duration.ofSeconds(5)).join();

    client.awaitMessage(
        m ->
            m.equals(
                "{\"type\":\"system.shutdown\",\"data\":{\"reason\":\"Server shutting down\",\"reconnect\":true}}"));
    assertThat(client.awaitClose().getCloseCode().getCode()).isEqualTo(1001);
  }
}
