package io.realtime.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.metrics.MetricSection;
import io.realtime.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IsolatedSourceTest {

  private static final HostStats READING = new HostStats(1.0, 2.0, 3.0, 4.0, 5.0);

  /** Runs nothing later: the timeouts of these calls never fire. */
  private static final TaskScheduler NEVER = (task, delay) -> () -> {};

  @Test
  void anExecutorThatRefusesWithAnyExceptionDoesNotLeaveTheSourceSkippedForGood() {
    AtomicInteger calls = new AtomicInteger();
    IsolatedSource<HostStats> source =
        new IsolatedSource<>(
            MetricSection.HOST,
            () -> {
              calls.incrementAndGet();
              return READING;
            },
            Duration.ofSeconds(1));
    Executor broken =
        task -> {
          throw new IllegalStateException("pool is being resized");
        };

    assertThat(source.call(broken, NEVER).join()).isEqualTo(MetricSection.HOST.onFailure());
    assertThat(source.call(Runnable::run, NEVER).join()).isEqualTo(READING);
    assertThat(calls).hasValue(1);
  }
}
