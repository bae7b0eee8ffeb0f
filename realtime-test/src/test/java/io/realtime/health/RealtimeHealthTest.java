package io.realtime.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.health.RealtimeHealth.Status;
import io.realtime.message.Envelope;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The health snapshot of a real registry and event broadcaster, with faults on the transport. */
class RealtimeHealthTest {

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = InMemoryTransport.create();
  private final FlakyTransport transport = new FlakyTransport(backbone);
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final EventBroadcaster events =
      EventBroadcaster.builder(transport, registry).timeSource(time).scheduler(time).build();
  private final RealtimeHealthProbe probe =
      RealtimeHealthProbe.builder(registry)
          .parts(ObservedParts.builder().eventBroadcaster(events).build())
          .build();

  @AfterEach
  void stop() {
    events.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    backbone.close();
  }

  private void failUntilDegraded() {
    transport.fail();
    for (int attempt = 1; attempt < 5; attempt++) {
      time.advance(time.untilNextTask());
    }
    assertThat(events.isDegraded()).isTrue();
  }

  @Test
  void aLiveBroadcasterIsUpAndReadyWithItsConnectionsCounted() {
    events.start();
    registry.register("events", new RecordingConnection("e1"));
    registry.register("job:1", new RecordingConnection("j1"));
    registry.register("job:2", new RecordingConnection("j2"));

    RealtimeHealth health = probe.check();

    assertThat(health.status()).isEqualTo(Status.UP);
    assertThat(health.ready()).isTrue();
    assertThat(health.transportConnected()).isTrue();
    assertThat(health.breakers())
        .containsExactly(
            new RealtimeHealth.Breaker("event_broadcaster", CircuitBreaker.State.CLOSED));
    assertThat(health.connections()).isEqualTo(Map.of("events", 1, "job", 2));
    assertThat(health.totalConnections()).isEqualTo(3);
    assertThat(health.toMap())
        .containsEntry("status", "UP")
        .containsEntry("ready", true)
        .containsEntry("transport", Map.of("connected", true))
        .containsEntry("breakers", List.of(Map.of("name", "event_broadcaster", "state", "closed")));
  }

  private static List<Object> keys(Object map) {
    return List.copyOf(((Map<?, ?>) map).keySet());
  }

  /**
   * Probes and dashboards read the reply as text too, so each object's keys come in the documented
   * order whichever JVM serves it ({@code Map.of} iterates in an order salted per JVM).
   */
  @Test
  void everyObjectOfTheSnapshotKeepsItsKeysInTheDocumentedOrder() {
    events.start();
    registry.register("events", new RecordingConnection("e1"));

    Map<String, Object> map = probe.check().toMap();

    assertThat(map.keySet())
        .containsExactly(
            "status", "ready", "transport", "components", "breakers", "outbox", "connections");
    assertThat(keys(map.get("transport"))).containsExactly("connected");
    assertThat(keys(map.get("outbox"))).containsExactly("size");
    assertThat(keys(map.get("connections"))).containsExactly("total", "channels");
    for (Object breaker : (List<?>) map.get("breakers")) {
      assertThat(keys(breaker)).containsExactly("name", "state");
    }
    for (Object component : (List<?>) map.get("components")) {
      assertThat(keys(component))
          .containsExactly("name", "live", "degraded", "outbox_size", "outbox_dropped");
    }
  }

  @Test
  void anOpenBreakerIsDegradedButStillReadyAndTheOutboxIsReported() {
    events.start();
    assertThat(probe.check().ready()).isTrue();

    failUntilDegraded();
    events.publish(Envelope.of("health.test", Map.of("n", 1))).toCompletableFuture().join();
    RealtimeHealth health = probe.check();

    assertThat(health.status()).isEqualTo(Status.DEGRADED);
    assertThat(health.ready()).as("a degraded instance still serves its clients").isTrue();
    assertThat(health.transportConnected()).isFalse();
    assertThat(health.breakers())
        .containsExactly(
            new RealtimeHealth.Breaker("event_broadcaster", CircuitBreaker.State.OPEN));
    assertThat(health.outboxSize()).isEqualTo(1);
    assertThat(health.components())
        .containsExactly(new RealtimeHealth.Component("event_broadcaster", false, true, 1, 0));
  }

  @Test
  void aTransportNeverConnectedIsNotReadyUntilItIs() {
    transport.holdConfirmations();
    events.start();

    RealtimeHealth waiting = probe.check();
    assertThat(waiting.ready()).isFalse();
    assertThat(waiting.status()).isEqualTo(Status.DEGRADED);
    assertThat(waiting.transportConnected()).isFalse();

    transport.releaseConfirmations();
    time.runDueTasks();
    assertThat(events.isLive()).isTrue();
    RealtimeHealth connected = probe.check();
    assertThat(connected.ready()).isTrue();
    assertThat(connected.status()).isEqualTo(Status.UP);
  }

  @Test
  void aRegistryShuttingDownIsDownAndNotReady() {
    events.start();
    assertThat(probe.check().status()).isEqualTo(Status.UP);

    registry.shutdown(Duration.ofMillis(200)).join();
    RealtimeHealth health = probe.check();

    assertThat(health.status()).isEqualTo(Status.DOWN);
    assertThat(health.ready()).isFalse();
    assertThat(health.toMap()).containsEntry("status", "DOWN");
  }
}
