package io.realtime.broadcast;

import static io.realtime.broadcast.EventBroadcasterTest.WAIT;
import static io.realtime.broadcast.EventBroadcasterTest.event;
import static io.realtime.broadcast.EventBroadcasterTest.eventIds;
import static io.realtime.broadcast.EventBroadcasterTest.events;
import static io.realtime.broadcast.EventBroadcasterTest.received;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures, backoff, degraded mode and automatic recovery, with a transport that fails on demand
 * and a manual clock: nothing here waits for real backoff time.
 */
class EventBroadcasterDegradedModeTest {

  /** A jitter source whose {@code nextDouble()} is 0.5, so every jitter is exactly 20 %. */
  private static final RandomGenerator MIDDLE_JITTER = () -> Long.MIN_VALUE;

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = InMemoryTransport.create();
  private final FlakyTransport flaky = new FlakyTransport(backbone);
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final RecordingConnection client = new RecordingConnection("ws-events-client");
  private EventBroadcaster broadcaster;

  @BeforeEach
  void start() {
    registry.register("events", client);
    broadcaster =
        EventBroadcaster.builder(flaky, registry)
            .timeSource(time)
            .scheduler(time)
            .random(MIDDLE_JITTER)
            .build();
    broadcaster.start();
  }

  @AfterEach
  void stop() {
    broadcaster.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    backbone.close();
  }

  private void publish(int n) {
    broadcaster.publish(event(n)).toCompletableFuture().join();
  }

  /** Publishes as another instance that still reaches the backbone. */
  private void publishElsewhere(int n) {
    backbone
        .append("security_events", MessageCodec.json().encode(event(n)))
        .toCompletableFuture()
        .join();
  }

  private List<ServiceStatus> notices() {
    return received(client).stream()
        .filter(m -> m instanceof Envelope e && e.type().equals("service_status"))
        .map(m -> ((Envelope) m).dataAs(ServiceStatus.class))
        .toList();
  }

  /** Fails the backbone and lets every retry fail until the broadcaster degrades. */
  private void failUntilDegraded() {
    flaky.fail();
    for (int attempt = 1; attempt < 5; attempt++) {
      assertThat(broadcaster.isDegraded()).as("degraded after %d failures", attempt).isFalse();
      time.advance(time.untilNextTask());
    }
  }

  @Test
  void retriesBackOffOneTwoFourEightSecondsWithJitterThenDegrade() {
    failUntilDegraded();

    assertThat(time.scheduledDelays().subList(0, 4))
        .containsExactly(
            Duration.ofMillis(1200),
            Duration.ofMillis(2400),
            Duration.ofMillis(4800),
            Duration.ofMillis(9600));
    assertThat(broadcaster.isDegraded()).isTrue();
    assertThat(broadcaster.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(time.untilNextTask())
        .as("next liveness probe, on the first backoff step, not when the breaker half-opens")
        .isEqualTo(Duration.ofMillis(1200));
    assertThat(flaky.subscribeCalls()).isEqualTo(5);
    await().atMost(WAIT).until(() -> notices().size() == 1);
    assertThat(notices().get(0))
        .isEqualTo(
            new ServiceStatus(
                "event_broadcaster",
                "degraded",
                "Real-time event broadcasting is degraded. Events may be delayed or unavailable.",
                "open"));
    assertThat(broadcaster.degradedNotice()).isPresent();
  }

  @Test
  void localDeliveryContinuesWhileDegradedAndRecoveryIsAutomatic() {
    publish(1);
    EventBroadcasterTest.awaitEvents(client, 1);
    failUntilDegraded();

    PublishReceipt local = broadcaster.publish(event(2)).toCompletableFuture().join();
    publishElsewhere(3);
    EventBroadcasterTest.awaitEvents(client, 2);
    assertThat(local).isEqualTo(PublishReceipt.LOCAL_ONLY);
    assertThat(events(client).get(1).seq())
        .as("a local-only event has no stream position")
        .isNull();

    flaky.heal();
    time.advance(Duration.ofSeconds(30));

    assertThat(broadcaster.isDegraded()).isFalse();
    assertThat(broadcaster.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    EventBroadcasterTest.awaitEvents(client, 3);
    publish(4);
    EventBroadcasterTest.awaitEvents(client, 4);
    assertThat(eventIds(client)).as("every event exactly once").containsExactly(1L, 2L, 3L, 4L);
    assertThat(events(client))
        .as("event 2 went out of the outbox as offset 3, not again to this client")
        .extracting(Envelope::seq)
        .containsExactly(1L, null, 2L, 4L);
    assertThat(broadcaster.outboxSize()).isZero();
    assertThat(backbone.since("security_events", 2).messages())
        .extracting(
            m ->
                ((Envelope) MessageCodec.json().decode(m.payload()))
                    .dataAs(SecurityEvent.class)
                    .id())
        .as("the other instances get event 2 after the outage, in order")
        .containsExactly(2L, 4L);
    await().atMost(WAIT).until(() -> notices().size() == 2);
    assertThat(notices()).extracting(ServiceStatus::status).containsExactly("degraded", "healthy");
    assertThat(notices().get(1).circuitState()).isEqualTo("closed");
  }

  @Test
  void aFailedHalfOpenProbeStaysDegradedAndProbesAgainAfterAnotherTimeout() {
    failUntilDegraded();

    time.advance(Duration.ofSeconds(30));

    assertThat(flaky.subscribeCalls()).isEqualTo(6);
    assertThat(broadcaster.isDegraded()).isTrue();
    assertThat(broadcaster.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(broadcaster.circuitBreaker().remainingOpenTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(time.untilNextTask()).as("probing again").isEqualTo(Duration.ofMillis(1200));

    flaky.heal();
    time.advance(Duration.ofSeconds(30));

    assertThat(broadcaster.isDegraded()).isFalse();
    assertThat(flaky.activeSubscriptions()).isEqualTo(1);
  }

  @Test
  void recoveryIsPromptOnceTheBackboneAnswersAgain() {
    publish(1);
    EventBroadcasterTest.awaitEvents(client, 1);
    failUntilDegraded();
    time.advance(Duration.ofSeconds(5));
    assertThat(broadcaster.isDegraded()).as("probes fail while the backbone is away").isTrue();
    assertThat(flaky.subscribeCalls()).as("a probe is not a subscribe attempt").isEqualTo(5);

    publishElsewhere(2);
    flaky.heal();
    time.advance(Duration.ofSeconds(2));

    assertThat(broadcaster.isDegraded()).as("recovered within 2 s, not after 30 s").isFalse();
    assertThat(flaky.activeSubscriptions()).isEqualTo(1);
    assertThat(broadcaster.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    EventBroadcasterTest.awaitEvents(client, 2);
    assertThat(events(client)).extracting(Envelope::seq).containsExactly(1L, 2L);
    await().atMost(WAIT).until(() -> notices().size() == 2);
    assertThat(notices()).extracting(ServiceStatus::status).containsExactly("degraded", "healthy");
  }

  @Test
  void aShortOutageRecoversWithoutDegradingAndCatchesUp() {
    publish(1);
    EventBroadcasterTest.awaitEvents(client, 1);

    flaky.fail();
    flaky.heal();
    publishElsewhere(2);
    time.advance(time.untilNextTask());

    assertThat(broadcaster.isDegraded()).isFalse();
    EventBroadcasterTest.awaitEvents(client, 2);
    assertThat(events(client)).extracting(Envelope::seq).containsExactly(1L, 2L);
    assertThat(notices()).isEmpty();
  }

  @Test
  void aFailedPublishIsDeliveredLocallyAndCountsAsAFailure() {
    flaky.fail();

    PublishReceipt receipt = broadcaster.publish(event(1)).toCompletableFuture().join();

    assertThat(receipt.localOnly()).isTrue();
    EventBroadcasterTest.awaitEvents(client, 1);
    assertThat(broadcaster.circuitBreaker().status().failureCount()).isEqualTo(2);
  }

  @Test
  void theOutboxIsBoundedAndCountsWhatItDrops() {
    broadcaster.close();
    broadcaster =
        EventBroadcaster.builder(flaky, registry)
            .timeSource(time)
            .scheduler(time)
            .random(MIDDLE_JITTER)
            .outboxCapacity(2)
            .build();
    broadcaster.start();
    failUntilDegraded();

    for (int n = 1; n <= 5; n++) {
      publish(n);
    }

    assertThat(broadcaster.outboxSize()).isEqualTo(2);
    assertThat(broadcaster.outboxDropped()).isEqualTo(3);
    EventBroadcasterTest.awaitEvents(client, 5);
    flaky.heal();
    time.advance(Duration.ofSeconds(30));
    assertThat(backbone.since("security_events", 0).messages()).hasSize(2);
  }

  @Test
  void aClientConnectingWhileDegradedCanBeToldAtOnce() {
    failUntilDegraded();

    assertThat(broadcaster.degradedNotice().orElseThrow().dataAs(ServiceStatus.class).status())
        .isEqualTo("degraded");

    flaky.heal();
    time.advance(Duration.ofSeconds(30));
    assertThat(broadcaster.degradedNotice()).isEmpty();
  }
}
