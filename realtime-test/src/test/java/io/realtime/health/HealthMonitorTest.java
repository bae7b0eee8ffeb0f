package io.realtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.Envelope;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingBroadcaster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The original's health monitor (§1.15), driven by a manual clock and a same-thread executor. */
class HealthMonitorTest {

  private final ManualTime time = new ManualTime();
  private final RecordingBroadcaster published = new RecordingBroadcaster();
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final AtomicInteger restarts = new AtomicInteger();
  private HealthMonitor monitor;

  @AfterEach
  void tearDown() {
    if (monitor != null) {
      monitor.close();
    }
  }

  private HealthMonitor.Builder builder() {
    return HealthMonitor.builder(published)
        .timeSource(time)
        .scheduler(time)
        .executor(Runnable::run);
  }

  private HealthCheck check() {
    return () ->
        healthy.get() ? HealthCheckResult.up() : HealthCheckResult.down("Health check failed");
  }

  private List<String> statuses() {
    return published.published().stream()
        .map(envelope -> envelope.dataAs(ServiceStatus.class))
        .map(status -> status.status() + ": " + status.message())
        .toList();
  }

  @Test
  void aHealthyServiceSendsNothingAndChangesAreSentOnce() {
    monitor = builder().service("yolo26", check()).build();
    monitor.start();
    time.runDueTasks();
    assertThat(published.published()).isEmpty();

    healthy.set(false);
    time.advance(Duration.ofSeconds(15));
    time.advance(Duration.ofSeconds(15));
    healthy.set(true);
    time.advance(Duration.ofSeconds(15));
    time.advance(Duration.ofSeconds(15));

    assertThat(statuses())
        .containsExactly("unhealthy: Health check failed", "healthy: Service recovered");
    Envelope first = published.published().get(0);
    assertThat(first.type()).isEqualTo("service_status");
    assertThat(first.timestamp()).isEqualTo(time.now().minusSeconds(45));
    assertThat(first.dataAs(ServiceStatus.class).service()).isEqualTo("yolo26");
    assertThat(monitor.serviceStates()).containsEntry("yolo26", "healthy");
  }

  @Test
  void aThrowingCheckIsUnhealthyWithItsMessage() {
    monitor =
        builder()
            .service(
                "nemotron",
                () -> {
                  throw new IllegalStateException("connection refused");
                })
            .build();

    monitor.checkNow().join();

    assertThat(statuses()).containsExactly("unhealthy: Health check error: connection refused");
  }

  @Test
  void aHungCheckTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      monitor =
          HealthMonitor.builder(published)
              .timeSource(time)
              .scheduler(time)
              .executor(threads)
              .checkTimeout(Duration.ofSeconds(2))
              .service(
                  "frontend",
                  () -> {
                    release.await();
                    return HealthCheckResult.up();
                  })
              .build();

      CompletableFuture<Void> round = monitor.checkNow();
      time.advance(Duration.ofSeconds(2));
      round.join();

      assertThat(statuses()).containsExactly("unhealthy: Health check timed out");
    } finally {
      release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void restartsBackOffThenVerifyAndRecover() {
    monitor =
        builder()
            .service(
                "ai-llm",
                check(),
                () -> {
                  restarts.incrementAndGet();
                  healthy.set(true);
                  return true;
                })
            .build();
    healthy.set(false);

    monitor.checkNow().join();
    assertThat(statuses()).containsExactly("unhealthy: Health check failed");
    time.advance(Duration.ofMillis(4999));
    assertThat(restarts.get()).isZero();
    time.advance(Duration.ofMillis(1));
    assertThat(restarts.get()).isEqualTo(1);
    time.advance(Duration.ofSeconds(2));

    assertThat(statuses())
        .containsExactly(
            "unhealthy: Health check failed",
            "restarting: Attempting restart (attempt 1/3)",
            "healthy: Service restarted successfully");
    assertThat(monitor.status().get("ai-llm")).isEqualTo(new ServiceHealth("healthy", 0, 3));
  }

  @Test
  void failedRestartsDoubleTheBackoffUntilTheLimitThenStayQuiet() {
    monitor = builder().service("ai-yolo26", check(), () -> restarts.incrementAndGet() < 0).build();
    healthy.set(false);

    for (int round = 0; round < 6; round++) {
      monitor.checkNow().join();
      Duration next = time.untilNextTask();
      if (next != null) {
        time.advance(next);
      }
    }

    assertThat(time.scheduledDelays())
        .containsSubsequence(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertThat(restarts.get()).isEqualTo(3);
    assertThat(statuses())
        .containsExactly(
            "unhealthy: Health check failed",
            "restarting: Attempting restart (attempt 1/3)",
            "restart_failed: Restart failed: restart command failed",
            "unhealthy: Health check failed",
            "restarting: Attempting restart (attempt 2/3)",
            "restart_failed: Restart failed: restart command failed",
            "unhealthy: Health check failed",
            "restarting: Attempting restart (attempt 3/3)",
            "restart_failed: Restart failed: restart command failed",
            "unhealthy: Health check failed",
            "failed: Max retries (3) exceeded, manual intervention required");

    healthy.set(true);
    monitor.checkNow().join();
    assertThat(statuses()).last().isEqualTo("healthy: Service recovered");
  }

  @Test
  void aRestartThatDoesNotHelpIsRestartFailed() {
    monitor = builder().service("backend", check(), () -> true).build();
    healthy.set(false);

    monitor.checkNow().join();
    time.advance(Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(2));

    assertThat(statuses())
        .last()
        .isEqualTo("restart_failed: Service still unhealthy after restart: Health check failed");
  }

  @Test
  void theHistoryKeepsTheLatestEventsNewestFirst() {
    monitor = builder().service("a", check()).historySize(3).build();
    for (int i = 0; i < 4; i++) {
      healthy.set(false);
      monitor.checkNow().join();
      healthy.set(true);
      monitor.checkNow().join();
    }

    List<HealthEvent> events = monitor.recentEvents(50);
    assertThat(events).hasSize(3);
    assertThat(events)
        .extracting(HealthEvent::type)
        .containsExactly(
            HealthEvent.Type.RECOVERY, HealthEvent.Type.FAILURE, HealthEvent.Type.RECOVERY);
    assertThat(monitor.recentEvents(1)).hasSize(1);
  }

  @Test
  void theDefaultsAreTheOriginals() {
    monitor = builder().service("a", check()).build();
    monitor.start();
    time.runDueTasks();
    assertThat(time.untilNextTask()).isEqualTo(Duration.ofSeconds(15));
    assertThat(monitor.status().get("a").maxRetries()).isEqualTo(3);
  }

  @Test
  void registrationIsValidated() {
    assertThatThrownBy(() -> builder().service("a", check()).service("a", check()))
        .hasMessageContaining("service a is already registered");
    assertThatThrownBy(() -> builder().restarts(0, Duration.ofSeconds(1)))
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> builder().interval(Duration.ZERO))
        .hasMessageContaining("interval must be positive");
  }
}
