package io.realtime.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerRegistry;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.CircuitBreakerUpdate;
import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.message.payload.SystemStatus;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.metrics.MetricSources;
import io.realtime.test.CountingCodec;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Periodic status: who collects, local first, origin filtering, snapshots, overlap, degraded mode.
 */
class SystemBroadcasterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final MessageCodec CODEC = MessageCodec.json();
  private static final RandomGenerator MIDDLE_JITTER = () -> Long.MIN_VALUE;

  private final ManualTime time = new ManualTime();
  private final ExecutorService sourceThreads = Executors.newCachedThreadPool();
  private final InMemoryTransport backbone = InMemoryTransport.create();
  private final Closeables closeables = new Closeables();
  private final AtomicInteger hostCalls = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    closeables.close();
    backbone.close();
    sourceThreads.shutdownNow();
  }

  private MetricSources sources() {
    return MetricSources.builder()
        .host(
            () -> {
              hostCalls.incrementAndGet();
              return new HostStats(12.0, 8.0, 32.0, 100.0, 500.0);
            })
        .cameras(() -> new CameraCounts(4, 3, 1))
        .build();
  }

  private ConnectionRegistry registry() {
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    closeables.add(registry);
    return registry;
  }

  private SystemBroadcasterBuilder builder(
      Transport transport, ConnectionRegistry registry, MetricSources sources) {
    return SystemBroadcaster.builder(transport, registry, sources)
        .timeSource(time)
        .scheduler(time)
        .sourceExecutor(sourceThreads)
        .random(MIDDLE_JITTER)
        .instanceId("node-a");
  }

  private SystemBroadcaster started(SystemBroadcasterBuilder builder) {
    SystemBroadcaster broadcaster = builder.build();
    closeables.add(broadcaster);
    broadcaster.start();
    return broadcaster;
  }

  private static List<Envelope> ofType(RecordingConnection client, String type) {
    List<Envelope> found = new ArrayList<>();
    for (String text : client.texts()) {
      Message message = CODEC.decode(text);
      if (message instanceof Envelope envelope && envelope.type().equals(type)) {
        found.add(envelope);
      }
    }
    return found;
  }

  private List<TransportMessage> probe(String channel) {
    List<TransportMessage> received = new CopyOnWriteArrayList<>();
    backbone.subscribe(channel, received::add);
    return received;
  }

  @Test
  void withoutClientsNothingIsCollected() {
    started(builder(backbone, registry(), sources()));

    time.advance(Duration.ofSeconds(30));

    assertThat(hostCalls.get()).isZero();
  }

  @Test
  void aClientGetsStatusAndPerformanceEveryTickLocalFirstThenTheTransport() {
    ConnectionRegistry registry = registry();
    RecordingConnection client = new RecordingConnection("ws-system-1");
    registry.register("system", client);
    List<TransportMessage> published = probe("system_status");
    SystemBroadcaster broadcaster = started(builder(backbone, registry, sources()));

    time.runDueTasks();
    await().atMost(WAIT).until(() -> ofType(client, "performance_update").size() == 1);
    time.advance(Duration.ofSeconds(5));
    await().atMost(WAIT).until(() -> ofType(client, "performance_update").size() == 2);
    await().atMost(WAIT).until(() -> published.size() == 2);

    Envelope status = ofType(client, "system_status").get(0);
    SystemStatus data = status.dataAs(SystemStatus.class);
    assertThat(data.instance()).isEqualTo("node-a");
    assertThat(data.cameras()).isEqualTo(new CameraCounts(4, 3, 1));
    assertThat(status.timestamp()).isEqualTo(time.now().minusSeconds(5));
    PerformanceUpdate performance =
        ofType(client, "performance_update").get(0).dataAs(PerformanceUpdate.class);
    assertThat(performance.host().cpuPercent()).isEqualTo(12.0);
    assertThat(published.get(0).payload())
        .startsWith("{\"_origin_instance\":\"node-a\",\"payload\":{\"type\":\"system_status\"");
    assertThat(ofType(client, "system_status")).as("its own echo is dropped").hasSize(2);
    assertThat(broadcaster.performanceHistory().size()).isEqualTo(2);
    assertThat(broadcaster.latestStatus()).isPresent();
  }

  @Test
  void anotherInstancesStatusIsForwarded() {
    ConnectionRegistry registryA = registry();
    RecordingConnection client = new RecordingConnection("ws-system-1");
    started(builder(backbone, registryA, MetricSources.none()));
    registryA.register("system", client);
    started(builder(backbone, registry(), sources()).instanceId("gpu-node").publisher(true));

    time.runDueTasks();

    await()
        .atMost(WAIT)
        .until(
            () ->
                ofType(client, "system_status").stream()
                    .anyMatch(
                        status -> "gpu-node".equals(status.dataAs(SystemStatus.class).instance())));
    await().atMost(WAIT).until(() -> !ofType(client, "performance_update").isEmpty());
  }

  @Test
  void anotherInstancesStatusIsForwardedAsItsBytesNotDecodedAndEncoded() {
    CountingCodec counting = new CountingCodec(MessageCodec.json());
    ConnectionRegistry registryA = ConnectionRegistry.builder().codec(counting).build();
    closeables.add(registryA);
    RecordingConnection client = new RecordingConnection("ws-system-1");
    List<TransportMessage> published = probe("system_status");
    started(builder(backbone, registryA, MetricSources.none()).interval(Duration.ofHours(1)));
    started(builder(backbone, registry(), sources()).instanceId("gpu-node").publisher(true));

    time.runDueTasks();
    await().atMost(WAIT).until(() -> !published.isEmpty());
    registryA.register("system", client);
    String wrapped = published.get(0).payload();
    backbone.publish("system_status", wrapped);

    await().atMost(WAIT).until(() -> ofType(client, "system_status").size() == 1);
    String forwarded = client.texts().get(0);
    assertThat(wrapped)
        .isEqualTo("{\"_origin_instance\":\"gpu-node\",\"payload\":" + forwarded + "}");
    assertThat(counting.decodes()).as("decodes").isZero();
  }

  @Test
  void aLegacyUnwrappedStatusIsForwardedAsIs() {
    ConnectionRegistry registry = registry();
    RecordingConnection client = new RecordingConnection("c");
    registry.register("system", client);
    started(builder(backbone, registry, MetricSources.none()));

    backbone.publish(
        "system_status",
        "{\"type\":\"system_status\",\"data\":{\"gpu\":null,\"queues\":null,\"cameras\":null,\"services\":null}}");

    await().atMost(WAIT).until(() -> ofType(client, "system_status").size() == 1);
  }

  @Test
  void aPublisherCollectsWithoutClients() {
    List<TransportMessage> published = probe("performance_update");
    started(builder(backbone, registry(), sources()).publisher(true));

    time.runDueTasks();

    await().atMost(WAIT).until(() -> published.size() == 1);
    assertThat(hostCalls.get()).isEqualTo(1);
  }

  @Test
  void aNewClientGetsTheLatestSnapshotAtOnce() {
    ConnectionRegistry registry = registry();
    RecordingConnection first = new RecordingConnection("first");
    registry.register("system", first);
    SystemBroadcaster broadcaster = started(builder(backbone, registry, sources()));
    time.runDueTasks();
    await().atMost(WAIT).until(() -> ofType(first, "performance_update").size() == 1);

    RecordingConnection late = new RecordingConnection("late");
    RegisteredConnection registered = registry.register("system", late);
    broadcaster.onConnect(registered);

    await().atMost(WAIT).until(() -> late.texts().size() == 2);
    assertThat(ofType(late, "system_status")).hasSize(1);
    assertThat(ofType(late, "performance_update"))
        .as("the pair, as protocol.md says, not system_status alone")
        .hasSize(1);
    assertThat(hostCalls.get()).as("served from the latest snapshot").isEqualTo(1);
  }

  @Test
  void aFirstClientTriggersACollection() {
    ConnectionRegistry registry = registry();
    SystemBroadcaster broadcaster = started(builder(backbone, registry, sources()));
    RecordingConnection client = new RecordingConnection("first");

    broadcaster.onConnect(registry.register("system", client));

    await().atMost(WAIT).until(() -> ofType(client, "system_status").size() == 1);
  }

  @Test
  void twoCollectionsNeverOverlap() {
    AtomicInteger camerasCalls = new AtomicInteger();
    MetricSources slow =
        MetricSources.builder()
            .host(
                () -> {
                  hostCalls.incrementAndGet();
                  return null;
                })
            .cameras(
                () -> {
                  camerasCalls.incrementAndGet();
                  release.await();
                  return null;
                })
            .build();
    SystemBroadcaster broadcaster =
        started(
            builder(backbone, registry(), slow).publisher(true).interval(Duration.ofMillis(100)));

    time.runDueTasks();
    await().atMost(WAIT).until(() -> camerasCalls.get() == 1);
    for (int i = 0; i < 9; i++) {
      time.advance(Duration.ofMillis(100));
    }

    assertThat(hostCalls.get()).as("ticks while a collection runs start none").isEqualTo(1);
    time.advance(Duration.ofMillis(100)); // the hung source's 1 s timeout ends the collection
    await().atMost(WAIT).until(() -> broadcaster.latestStatus().isPresent());
    time.advance(Duration.ofMillis(100));
    await().atMost(WAIT).until(() -> hostCalls.get() >= 2);
    assertThat(camerasCalls.get()).as("a hung source is not called again").isEqualTo(1);
  }

  @Test
  void theSystemChannelDegradesKeepsLocalUpdatesAndRecovers() {
    FlakyTransport flaky = new FlakyTransport(backbone);
    ConnectionRegistry registry = registry();
    RecordingConnection client = new RecordingConnection("c");
    registry.register("system", client);
    SystemBroadcaster broadcaster =
        started(builder(flaky, registry, sources()).interval(Duration.ofSeconds(60)));
    time.runDueTasks();
    await().atMost(WAIT).until(() -> ofType(client, "system_status").size() == 1);

    flaky.fail();
    for (int attempt = 1; attempt < 5; attempt++) {
      assertThat(broadcaster.isDegraded()).isFalse();
      time.advance(time.untilNextTask());
    }

    assertThat(broadcaster.isDegraded()).isTrue();
    assertThat(time.scheduledDelays())
        .contains(
            Duration.ofMillis(1200),
            Duration.ofMillis(2400),
            Duration.ofMillis(4800),
            Duration.ofMillis(9600));
    await().atMost(WAIT).until(() -> ofType(client, "service_status").size() == 1);
    ServiceStatus notice = ofType(client, "service_status").get(0).dataAs(ServiceStatus.class);
    assertThat(notice)
        .isEqualTo(
            new ServiceStatus(
                "system_broadcaster",
                "degraded",
                "System status broadcasting is degraded. Updates may be delayed or unavailable.",
                "open"));
    time.advance(Duration.ofSeconds(60));
    await().atMost(WAIT).until(() -> ofType(client, "system_status").size() == 2);

    flaky.heal();
    time.advance(Duration.ofSeconds(30));
    assertThat(broadcaster.isDegraded()).isFalse();
    await().atMost(WAIT).until(() -> ofType(client, "service_status").size() == 2);
    assertThat(ofType(client, "service_status").get(1).dataAs(ServiceStatus.class).status())
        .isEqualTo("healthy");
  }

  @Test
  void breakerStateChangesAreBroadcast() {
    CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(time);
    CircuitBreaker redis =
        breakers.register(
            CircuitBreaker.builder("redis").withTimeSource(time).withFailureThreshold(1).build());
    ConnectionRegistry registry = registry();
    RecordingConnection client = new RecordingConnection("c");
    registry.register("system", client);
    started(builder(backbone, registry, MetricSources.none()).circuitBreakers(breakers));

    redis.recordFailure();

    await().atMost(WAIT).until(() -> ofType(client, "circuit_breaker_update").size() == 1);
    CircuitBreakerUpdate update =
        ofType(client, "circuit_breaker_update").get(0).dataAs(CircuitBreakerUpdate.class);
    assertThat(update.summary()).isEqualTo(new CircuitBreakerUpdate.Summary(2, 1, 0, 1));
    assertThat(update.breakers()).containsOnlyKeys("redis", "system_broadcaster");
    assertThat(update.breakers().get("redis").state()).isEqualTo("open");
    assertThat(update.breakers().get("redis").lastFailureTime()).isEqualTo(time.now());
  }

  @Test
  void settingsAreValidated() {
    SystemBroadcasterBuilder builder =
        SystemBroadcaster.builder(backbone, registry(), MetricSources.none());

    assertThatThrownBy(() -> builder.interval(Duration.ofMillis(99)))
        .hasMessageContaining("at least 100 ms, got PT0.099S");
    assertThatThrownBy(() -> builder.instanceId("has space"))
        .hasMessageContaining("got 'has space'");
    assertThatThrownBy(() -> builder.transportChannels("same", "same"))
        .hasMessageContaining("same twice");
    assertThatThrownBy(() -> builder.build().broadcastCircuitBreakerStates())
        .isInstanceOf(IllegalStateException.class);
  }
}
