package io.realtime.internal.metrics;

import io.realtime.internal.util.TimedCall;
import io.realtime.metrics.MetricSection;
import io.realtime.metrics.MetricSource;
import io.realtime.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One source, called so that its failures stay its own: on another thread, with a timeout, never
 * twice at once. A failure is logged when it starts and when it ends, not at every collection.
 *
 * <p>This class is internal and is hence not for public use.
 *
 * @param <T> the section's type
 */
public final class IsolatedSource<T> {

  private static final Logger log = LoggerFactory.getLogger(IsolatedSource.class);

  private final MetricSection<T> section;
  private final MetricSource<? extends T> source;
  private final Duration timeout;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean failing;

  /**
   * Wraps a source.
   *
   * @param section the section it fills
   * @param source the source
   * @param timeout the time it gets
   */
  public IsolatedSource(
      MetricSection<T> section, MetricSource<? extends T> source, Duration timeout) {
    this.section = section;
    this.source = source;
    this.timeout = timeout;
  }

  /**
   * Returns the section.
   *
   * @return the section
   */
  public MetricSection<T> section() {
    return section;
  }

  /**
   * Calls the source.
   *
   * @param executor where it runs
   * @param scheduler where its timeout is scheduled
   * @return a stage completing, never exceptionally, with the reading or the section's failure
   *     value
   */
  public CompletableFuture<T> call(Executor executor, TaskScheduler scheduler) {
    if (!running.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(
          failed("its previous collection has not returned", null));
    }
    AtomicBoolean started = new AtomicBoolean();
    CompletableFuture<T> reading =
        TimedCall.call(
            () -> {
              started.set(true);
              try {
                return source.collect();
              } finally {
                running.set(false);
              }
            },
            executor,
            timeout,
            (task, delay) -> scheduler.schedule(task, delay)::cancel);
    return reading.handle(
        (value, error) -> {
          if (error == null) {
            recovered();
            return value;
          }
          if (!started.get() && !(error instanceof TimeoutException)) {
            // The executor refused the call, whatever it threw: nothing runs, so nothing else
            // clears the flag, and the source would be skipped for good.
            running.set(false);
            return error instanceof RejectedExecutionException
                ? failed("the source executor is shut down", null)
                : failed("the source executor refused it", error);
          }
          return error instanceof TimeoutException
              ? failed("it did not answer within " + timeout, null)
              : failed("it failed", error);
        });
  }

  private T failed(String why, Throwable error) {
    if (!failing) {
      failing = true;
      log.warn("Metric source of {} is reported as failed: {}", section, why, error);
    } else {
      log.debug("Metric source of {} still failing: {}", section, why);
    }
    return section.onFailure();
  }

  private void recovered() {
    if (failing) {
      failing = false;
      log.info("Metric source of {} answers again", section);
    }
  }
}
