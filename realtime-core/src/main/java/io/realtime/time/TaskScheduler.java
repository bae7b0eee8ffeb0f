package io.realtime.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks after a delay: the one seam through which the library schedules work (recovery
 * attempts, periodic collection). Adapt a {@link ScheduledExecutorService} with {@link #of}, or use
 * a manual scheduler in tests.
 */
public interface TaskScheduler {

  /**
   * Schedules a task to run once after a delay.
   *
   * @param task the task
   * @param delay the delay, zero or more
   * @return a handle to cancel the task
   */
  Cancellable schedule(Runnable task, Duration delay);

  /**
   * Adapts a scheduled executor. The caller keeps ownership of the executor.
   *
   * @param executor the executor
   * @return the scheduler
   */
  static TaskScheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (task, delay) -> {
      ScheduledFuture<?> future =
          executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }

  /** A handle to a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not run yet; does nothing otherwise. */
    void cancel();
  }
}
