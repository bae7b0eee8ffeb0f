package io.realtime.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.OutboundLimits;
import io.realtime.connection.RegisteredConnection;
import io.realtime.health.ObservedParts;
import io.realtime.message.Envelope;
import io.realtime.message.MessageTypes;
import io.realtime.message.ResyncRequest;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.observe.RealtimeObserver;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.test.RecordingConnection.Mode;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The meters after real traffic through a real registry and event broadcaster on the in-memory
 * transport; clients are recording connections that read at once or stop reading.
 */
class RealtimeMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = InMemoryTransport.withHistorySize(5);
  private final FlakyTransport transport = new FlakyTransport(backbone);
  private final RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
  private final ConnectionRegistry registry =
      ConnectionRegistry.builder()
          .outboundLimits(new OutboundLimits(3, 1 << 20))
          .observer(metricsBuilder.observer())
          .build();
  private final EventBroadcaster events =
      EventBroadcaster.builder(transport, registry)
          .timeSource(time)
          .scheduler(time)
          .observer(metricsBuilder.observer())
          .build();
  private final RealtimeMetrics metrics =
      metricsBuilder.parts(ObservedParts.builder().eventBroadcaster(events).build()).build();

  @AfterEach
  void stop() {
    events.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    backbone.close();
  }

  private static Envelope event(int n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "batch-" + n, "front_door", 40, RiskLevel.LOW, "event " + n, null));
  }

  private void publish(int n) {
    events.publish(event(n)).toCompletableFuture().join();
  }

  private double gauge(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).gauge().value();
  }

  private double counter(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).functionCounter().count();
  }

  @Test
  void connectionsAndMessagesSentArePerChannel() {
    metrics.bindTo(meters);
    events.start();
    RecordingConnection first = new RecordingConnection("a");
    RecordingConnection second = new RecordingConnection("b");
    registry.register("events", first);
    RegisteredConnection leaving = registry.register("events", second);
    registry.register("job:42", new RecordingConnection("j1"));
    registry.register("job:43", new RecordingConnection("j2"));

    publish(1);
    publish(2);
    await().atMost(WAIT).until(() -> first.texts().size() == 2 && second.texts().size() == 2);
    registry.unregister(leaving.id());

    assertThat(gauge(RealtimeMetrics.CONNECTIONS, "channel", "events")).isEqualTo(1);
    assertThat(gauge(RealtimeMetrics.CONNECTIONS, "channel", "job")).isEqualTo(2);
    // A write is counted once it completed, a moment after the connection recorded it.
    await()
        .atMost(WAIT)
        .until(() -> counter(RealtimeMetrics.MESSAGES_SENT, "channel", "events") == 4);
    assertThat(meters.get(RealtimeMetrics.QUEUE_DEPTH).summary().count()).isEqualTo(4);
    assertThat(meters.find(RealtimeMetrics.CONNECTIONS).tag("channel", "job:42").gauge())
        .as("job ids never become tag values")
        .isNull();
  }

  @Test
  void countsObservedBeforeBindingAreKept() {
    events.start();
    RecordingConnection client = new RecordingConnection("a");
    registry.register("events", client);
    publish(1);
    await().atMost(WAIT).until(() -> client.texts().size() == 1);

    metrics.bindTo(meters);

    assertThat(gauge(RealtimeMetrics.CONNECTIONS, "channel", "events")).isEqualTo(1);
    await()
        .atMost(WAIT)
        .until(() -> counter(RealtimeMetrics.MESSAGES_SENT, "channel", "events") == 1);
  }

  @Test
  void aLatestValueMessageReplacedUnsentIsConflated() {
    metrics.bindTo(meters);
    RecordingConnection stalled =
        new RecordingConnection(
            "s", Mode.STALLED, CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS));
    registry.register("system", stalled);
    Envelope status = Envelope.of(MessageTypes.SYSTEM_STATUS, Map.of("cpu", 1));

    registry.broadcast("system", status); // in flight, stalled
    await().atMost(WAIT).until(() -> stalled.texts().size() == 1);
    registry.broadcast("system", status); // queued
    registry.broadcast("system", status); // replaces the queued one

    assertThat(counter(RealtimeMetrics.MESSAGES_CONFLATED, "channel", "system")).isEqualTo(1);
    assertThat(counter(RealtimeMetrics.MESSAGES_SENT, "channel", "system")).isZero();
  }

  @Test
  void aClientThatStopsReadingIsClosedAsSlowAndItsQueueCountsAsDropped() {
    metrics.bindTo(meters);
    events.start();
    RecordingConnection stalled =
        new RecordingConnection(
            "s", Mode.STALLED, CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS));
    registry.register("events", stalled);

    for (int n = 1; n <= 5; n++) {
      publish(n); // 1 in flight, 2..4 queued (the bound), 5 overflows
    }

    assertThat(stalled.awaitClose(WAIT)).isEqualTo(CloseReason.SLOW_CONSUMER);
    assertThat(meters.get(RealtimeMetrics.SLOW_CONSUMER_CLOSES).functionCounter().count())
        .isEqualTo(1);
    assertThat(counter(RealtimeMetrics.MESSAGES_DROPPED, "channel", "events")).isEqualTo(4);
    assertThat(gauge(RealtimeMetrics.CONNECTIONS, "channel", "events")).isZero();
    assertThat(meters.get(RealtimeMetrics.QUEUE_DEPTH).summary().max()).isEqualTo(4);
  }

  @Test
  void resyncsAreCountedByOutcome() {
    metrics.bindTo(meters);
    events.start();
    RegisteredConnection client = registry.register("events", new RecordingConnection("a"));
    for (int n = 1; n <= 3; n++) {
      publish(n);
    }
    events.resync(client, new ResyncRequest("security_events", 2, "another-epoch"));
    for (int n = 4; n <= 8; n++) {
      publish(n); // the history keeps 4..8
    }
    String epoch = backbone.since("security_events", 0).epoch();
    events.resync(client, new ResyncRequest("security_events", 6, epoch));
    events.resync(client, new ResyncRequest("security_events", 1, epoch));

    assertThat(counter(RealtimeMetrics.RESYNCS, "outcome", "recovered")).isEqualTo(1);
    assertThat(counter(RealtimeMetrics.RESYNCS, "outcome", "too_old")).isEqualTo(1);
    assertThat(counter(RealtimeMetrics.RESYNCS, "outcome", "not_recovered")).isEqualTo(1);
  }

  @Test
  void breakerDegradedAndOutboxAreGaugedFromTheBroadcaster() {
    metrics.bindTo(meters);
    events.start();
    assertThat(gauge(RealtimeMetrics.BREAKER_STATE, "name", "event_broadcaster")).isZero();
    assertThat(gauge(RealtimeMetrics.DEGRADED, "component", "event_broadcaster")).isZero();

    transport.fail();
    for (int attempt = 1; attempt < 5; attempt++) {
      time.advance(time.untilNextTask());
    }
    publish(1);
    publish(2);

    assertThat(events.isDegraded()).isTrue();
    assertThat(gauge(RealtimeMetrics.BREAKER_STATE, "name", "event_broadcaster")).isEqualTo(2);
    assertThat(gauge(RealtimeMetrics.DEGRADED, "component", "event_broadcaster")).isEqualTo(1);
    assertThat(gauge(RealtimeMetrics.OUTBOX_SIZE, "component", "event_broadcaster")).isEqualTo(2);
    assertThat(counter(RealtimeMetrics.OUTBOX_DROPPED, "component", "event_broadcaster")).isZero();
  }

  @Test
  void anObserverThatThrowsNeverReachesTheRegistry() {
    RealtimeObserver throwing =
        new RealtimeObserver() {
          @Override
          public void messageSent(String channel) {
            throw new IllegalStateException("observer bug");
          }

          @Override
          public void connectionOpened(String channel) {
            throw new IllegalStateException("observer bug");
          }
        };
    try (ConnectionRegistry guarded = ConnectionRegistry.builder().observer(throwing).build()) {
      RecordingConnection client = new RecordingConnection("a");
      guarded.register("events", client);
      guarded.broadcast("events", event(1));
      guarded.broadcast("events", event(2));
      await().atMost(WAIT).until(() -> client.texts().size() == 2);
    }
  }
}
