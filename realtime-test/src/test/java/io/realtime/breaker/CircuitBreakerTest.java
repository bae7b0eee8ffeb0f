package io.realtime.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.breaker.CircuitBreaker.State;
import io.realtime.test.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The original's breaker semantics (§1.10), driven by a manual clock: no test sleeps. */
class CircuitBreakerTest {

  private final ManualTime time = new ManualTime();
  private final List<String> transitions = new CopyOnWriteArrayList<>();
  private final CircuitBreaker breaker =
      CircuitBreaker.builder("event_broadcaster")
          .withTimeSource(time)
          .onStateChange((source, from, to) -> transitions.add(from + "->" + to))
          .build();

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      breaker.recordFailure();
    }
  }

  @Test
  void defaultsAreTheBroadcastersOnes() {
    assertThat(breaker.config())
        .isEqualTo(new CircuitBreakerConfig(5, Duration.ofSeconds(30), 1, 1));
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquirePermission()).isTrue();
  }

  @Test
  void opensAtTheFifthConsecutiveFailure() {
    fail(4);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);

    fail(1);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquirePermission()).isFalse();
    assertThat(transitions).containsExactly("CLOSED->OPEN");
  }

  @Test
  void aSuccessResetsTheConsecutiveCount() {
    fail(4);
    breaker.recordSuccess();
    fail(4);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.status().failureCount()).isEqualTo(4);
  }

  @Test
  void openMovesToHalfOpenLazilyOnThePermissionCheck() {
    fail(5);

    time.advance(Duration.ofSeconds(29).plusMillis(999));
    assertThat(breaker.tryAcquirePermission()).isFalse();
    assertThat(breaker.remainingOpenTime()).isEqualTo(Duration.ofMillis(1));

    time.advance(Duration.ofMillis(1));
    assertThat(breaker.state()).as("no timer moves it").isEqualTo(State.OPEN);
    assertThat(breaker.remainingOpenTime()).isZero();
    assertThat(breaker.tryAcquirePermission()).isTrue();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
  }

  @Test
  void aSuccessfulProbeMovesAnOpenBreakerToHalfOpenEarly() {
    fail(5);
    time.advance(Duration.ofSeconds(1));

    assertThat(breaker.probeSucceeded()).isTrue();

    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
    assertThat(breaker.tryAcquirePermission()).as("the trial call").isTrue();
    assertThat(breaker.tryAcquirePermission()).as("one at a time").isFalse();
    breaker.recordSuccess();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aFailedTrialAfterAnEarlyHalfOpenOpensForAWholeTimeout() {
    fail(5);
    time.advance(Duration.ofSeconds(1));
    breaker.probeSucceeded();
    assertThat(breaker.tryAcquirePermission()).isTrue();

    breaker.recordFailure();

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.remainingOpenTime()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aProbeChangesNothingUnlessTheBreakerIsOpen() {
    assertThat(breaker.probeSucceeded()).isFalse();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    fail(5);
    time.advance(Duration.ofSeconds(30));
    assertThat(breaker.tryAcquirePermission()).isTrue();

    assertThat(breaker.probeSucceeded()).isFalse();

    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquirePermission()).as("no second trial call").isFalse();
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
  }

  @Test
  void halfOpenPermitsOneTrialCallAtATime() {
    fail(5);
    time.advance(Duration.ofSeconds(30));

    assertThat(breaker.tryAcquirePermission()).isTrue();
    assertThat(breaker.tryAcquirePermission())
        .as("second trial call while the first runs")
        .isFalse();
    assertThat(breaker.tryAcquirePermission()).isFalse();
  }

  @Test
  void aHalfOpenSuccessCloses() {
    fail(5);
    time.advance(Duration.ofSeconds(30));
    breaker.tryAcquirePermission();

    breaker.recordSuccess();

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.status().failureCount()).isZero();
    assertThat(breaker.tryAcquirePermission()).isTrue();
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
  }

  @Test
  void aHalfOpenFailureOpensAgainForAFullTimeout() {
    fail(5);
    time.advance(Duration.ofSeconds(30));
    breaker.tryAcquirePermission();

    breaker.recordFailure();

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.remainingOpenTime()).isEqualTo(Duration.ofSeconds(30));
    time.advance(Duration.ofSeconds(29));
    assertThat(breaker.tryAcquirePermission()).isFalse();
  }

  @Test
  void successThresholdAboveOneNeedsThatManySuccessesAndFreesTrialSlots() {
    CircuitBreaker strict =
        CircuitBreaker.builder("strict")
            .withTimeSource(time)
            .withFailureThreshold(1)
            .withSuccessThreshold(2)
            .build();
    strict.recordFailure();
    time.advance(Duration.ofSeconds(30));

    assertThat(strict.tryAcquirePermission()).isTrue();
    strict.recordSuccess();
    assertThat(strict.state()).isEqualTo(State.HALF_OPEN);
    assertThat(strict.tryAcquirePermission()).isTrue();
    strict.recordSuccess();

    assertThat(strict.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void resetClosesAndTotalsSurvive() {
    fail(5);
    breaker.recordSuccess();

    breaker.reset();

    CircuitBreakerStatus status = breaker.status();
    assertThat(status.state()).isEqualTo(State.CLOSED);
    assertThat(status.failureCount()).isZero();
    assertThat(status.totalFailures()).isEqualTo(5);
    assertThat(status.totalSuccesses()).isEqualTo(1);
    assertThat(status.openedAt()).isNull();
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->CLOSED");
  }

  @Test
  void statusHasTheOriginalsFields() {
    time.advance(Duration.ofSeconds(5));
    fail(5);

    Map<String, Object> status = breaker.status().toMap();

    assertThat(status)
        .containsOnlyKeys(
            "name",
            "state",
            "failure_count",
            "success_count",
            "total_failures",
            "total_successes",
            "last_failure_time",
            "opened_at",
            "last_state_change",
            "config");
    assertThat(status)
        .containsEntry("name", "event_broadcaster")
        .containsEntry("state", "open")
        .containsEntry("failure_count", 5)
        .containsEntry("total_failures", 5L)
        .containsEntry("last_failure_time", "2026-01-01T00:00:05Z")
        .containsEntry("opened_at", "2026-01-01T00:00:05Z")
        .containsEntry("last_state_change", "2026-01-01T00:00:05Z");
    assertThat(status.get("config"))
        .isEqualTo(
            Map.of(
                "failure_threshold", 5,
                "recovery_timeout", 30.0,
                "half_open_max_calls", 1,
                "success_threshold", 1));
  }

  @Test
  void listenersRunOutsideTheLockAndTheirErrorsAreSwallowed() throws Exception {
    CircuitBreaker[] seen = new CircuitBreaker[1];
    CircuitBreaker observed =
        CircuitBreaker.builder("observed")
            .withTimeSource(time)
            .withFailureThreshold(1)
            .onStateChange(
                (source, from, to) -> {
                  seen[0] = source;
                  // Another thread must be able to use the breaker while a listener runs.
                  Thread other = new Thread(source::tryAcquirePermission);
                  other.start();
                  try {
                    other.join(5_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  if (other.isAlive()) {
                    throw new AssertionError("listener called under the breaker's lock");
                  }
                  throw new IllegalStateException("listener bug (expected by the test)");
                })
            .build();

    observed.recordFailure();

    assertThat(seen[0]).isSameAs(observed);
    assertThat(observed.state()).isEqualTo(State.OPEN);
  }

  @Test
  void settersValidateWithTheBadValue() {
    assertThatThrownBy(() -> CircuitBreaker.builder("x").withFailureThreshold(0))
        .hasMessageContaining("failureThreshold must be >= 1, got 0");
    assertThatThrownBy(() -> CircuitBreaker.builder("x").withRecoveryTimeout(Duration.ZERO))
        .hasMessageContaining("recoveryTimeout must be positive, got PT0S");
    assertThatThrownBy(() -> CircuitBreaker.builder("x").withHalfOpenMaxCalls(-1))
        .hasMessageContaining("got -1");
    assertThatThrownBy(() -> CircuitBreaker.builder(" "))
        .hasMessageContaining("name must not be blank");
  }

  @Test
  void wireNamesAreLowerCase() {
    assertThat(State.HALF_OPEN.wireName()).isEqualTo("half_open");
  }
}
