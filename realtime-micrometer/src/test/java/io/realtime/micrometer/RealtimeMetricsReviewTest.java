package io.realtime.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerRegistry;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.health.ObservedParts;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.observe.RealtimeObserver;
import io.realtime.test.RecordingConnection;
import io.realtime.test.RecordingConnection.Mode;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 16 point 4: the meters as a host that keeps nothing but its meter registry sees
 * them, and messages lost to a failed send.
 */
class RealtimeMetricsReviewTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final InMemoryTransport transport = InMemoryTransport.create();

  @AfterEach
  void stop() {
    transport.close();
  }

  /**
   * Binds as the class Javadoc shows, keeping neither the binder nor the parts: only the meter
   * registry holds them afterwards.
   */
  private void bindKeepingNothing(EventBroadcaster events) {
    RealtimeMetrics.builder()
        .parts(ObservedParts.builder().eventBroadcaster(events).build())
        .build()
        .bindTo(meters);
  }

  private boolean partMetersReadable() {
    System.gc();
    Gauge degraded =
        meters.get(RealtimeMetrics.DEGRADED).tag("component", "event_broadcaster").gauge();
    Gauge outbox =
        meters.get(RealtimeMetrics.OUTBOX_SIZE).tag("component", "event_broadcaster").gauge();
    FunctionCounter dropped =
        meters
            .get(RealtimeMetrics.OUTBOX_DROPPED)
            .tag("component", "event_broadcaster")
            .functionCounter();
    return degraded.value() == 0 && outbox.value() == 0 && dropped.count() == 0;
  }

  @Test
  void degradedAndOutboxMetersSurviveGarbageCollectionWhenOnlyTheMeterRegistryHoldsThem() {
    try (ConnectionRegistry registry = ConnectionRegistry.builder().build();
        EventBroadcaster events = EventBroadcaster.builder(transport, registry).build()) {
      events.start();
      bindKeepingNothing(events);

      // Micrometer gauges and function counters hold their object weakly: after a collection they
      // read NaN unless something else holds the parts.
      await().atMost(WAIT).during(Duration.ofSeconds(2)).until(this::partMetersReadable);
    }
  }

  private static Envelope event(int n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "batch-" + n, "front_door", 40, RiskLevel.LOW, "event " + n, null));
  }

  @Test
  void aMessageWhoseSendFailedIsCountedAsDropped() {
    RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
    try (ConnectionRegistry registry =
        ConnectionRegistry.builder().observer(metricsBuilder.observer()).build()) {
      metricsBuilder.build().bindTo(meters);
      RecordingConnection failing = new RecordingConnection("f", Mode.FAILING, Runnable::run);
      registry.register("events", failing);

      registry.broadcast("events", event(1));

      assertThat(failing.awaitClose(WAIT)).isEqualTo(CloseReason.SEND_FAILED);
      double sent =
          meters
              .get(RealtimeMetrics.MESSAGES_SENT)
              .tag("channel", "events")
              .functionCounter()
              .count();
      double dropped =
          meters
              .get(RealtimeMetrics.MESSAGES_DROPPED)
              .tag("channel", "events")
              .functionCounter()
              .count();
      assertThat(sent + dropped).as("a queued message is either sent or dropped").isEqualTo(1);
    }
  }

  @Test
  void aBreakerRegisteredInTheBreakerRegistryAfterBindingIsGaugedAsHealthSeesIt() {
    CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(TimeSource.system());
    ObservedParts parts = ObservedParts.builder().circuitBreakers(breakers).build();
    RealtimeMetrics.builder().parts(parts).build().bindTo(meters);

    breakers.register(CircuitBreaker.builder("postgres").build());

    assertThat(parts.breakers()).extracting(CircuitBreaker::name).containsExactly("postgres");
    assertThat(meters.find(RealtimeMetrics.BREAKER_STATE).tag("name", "postgres").gauge())
        .as("ObservedParts reads the breaker registry 'when the parts are read'")
        .isNotNull();
  }

  @Test
  void shutdownAbortAndRefusedRegistrationLeaveTheConnectionGaugeAtZero() {
    RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
    ConnectionRegistry registry =
        ConnectionRegistry.builder().observer(metricsBuilder.observer()).build();
    metricsBuilder.build().bindTo(meters);
    RecordingConnection stalled =
        new RecordingConnection(
            "s", Mode.STALLED, CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS));
    registry.register("events", stalled);
    RecordingConnection reader = new RecordingConnection("a");
    RegisteredConnection aborted = registry.register("events", reader);
    registry.register("job:1", new RecordingConnection("j"));
    registry.broadcast("events", event(1)); // in flight to the stalled one
    registry.broadcast("events", event(2)); // queued behind it
    await().atMost(WAIT).until(() -> reader.texts().size() == 2);
    aborted.abort(CloseReason.SERVER_SHUTDOWN);
    aborted.abort(CloseReason.SERVER_SHUTDOWN);
    registry.unregister(aborted.id());

    registry.shutdown(Duration.ofMillis(200)).join();
    try {
      registry.register("events", new RecordingConnection("late"));
    } catch (IllegalStateException refused) {
      // refused while shut down: never counted
    }

    await()
        .atMost(WAIT)
        .until(
            () ->
                meters.get(RealtimeMetrics.CONNECTIONS).tag("channel", "events").gauge().value()
                        == 0
                    && meters.get(RealtimeMetrics.CONNECTIONS).tag("channel", "job").gauge().value()
                        == 0);
    assertThat(
            meters
                .get(RealtimeMetrics.MESSAGES_DROPPED)
                .tag("channel", "events")
                .functionCounter()
                .count())
        .as("the stalled client's queued event and shutdown notice (its send in flight never ends)")
        .isEqualTo(2);
  }

  @Test
  void anObserverLinkedAgainstAnotherMicrometerNeitherStallsDeliveryNorEscapesRegister() {
    // What a MeterRegistry older than the one realtime-micrometer was built with throws (Spring
    // Boot manages its own Micrometer version): a LinkageError, not a RuntimeException.
    RealtimeObserver mislinked =
        new RealtimeObserver() {
          @Override
          public void messageSent(String channel) {
            throw new NoSuchMethodError("io.micrometer.core.instrument.Counter.increment()");
          }

          @Override
          public void connectionOpened(String channel) {
            throw new NoClassDefFoundError("io/micrometer/core/instrument/Gauge");
          }
        };
    try (ConnectionRegistry registry = ConnectionRegistry.builder().observer(mislinked).build()) {
      RecordingConnection client = new RecordingConnection("a");
      registry.register("events", client);
      registry.broadcast("events", event(1));
      registry.broadcast("events", event(2));
      await().atMost(WAIT).until(() -> client.texts().size() == 2);
    }
  }
}
