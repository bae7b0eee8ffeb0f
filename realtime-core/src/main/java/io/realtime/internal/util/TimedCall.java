package io.realtime.internal.util;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * The one "call with a timeout, never throw" of realtime: runs a piece of host code (a metric
 * source, a health check, a restart hook) on an executor and gives its outcome as a stage, so that
 * host code can neither throw into the caller nor hold it past the timeout. The metric collector
 * and the health monitor both use it.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class TimedCall {

  /**
   * Schedules the timeout; the caller's {@code TaskScheduler} adapts to it, so that this
   * ground-floor class names no type of the project and tests drive it on their clock.
   */
  @FunctionalInterface
  public interface Timer {

    /**
     * Runs {@code task} after {@code delay}.
     *
     * @param task the task
     * @param delay the delay
     * @return what cancels the task
     */
    Runnable schedule(Runnable task, Duration delay);
  }

  private TimedCall() {}

  /**
   * Runs {@code work} on {@code executor}. The stage never throws into the caller: it completes
   * with the value; exceptionally with what the work threw (exceptions and linkage errors, which a
   * library built against another version throws); with a {@link TimeoutException} when the work
   * did not return within {@code timeout} (the work keeps running: it cannot be stopped safely); or
   * with what the executor threw when it refused the task, which then never runs.
   *
   * @param work the host code
   * @param executor where it runs
   * @param timeout how long it gets
   * @param timer schedules the timeout
   * @param <T> the value's type
   * @return the outcome
   */
  public static <T> CompletableFuture<T> call(
      Callable<? extends T> work, Executor executor, Duration timeout, Timer timer) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    // The timeout is scheduled first, so that it also bounds work an executor runs on the calling
    // thread; a scheduler that refuses ends the call before anything runs.
    Runnable cancel;
    try {
      cancel = timer.schedule(() -> outcome.completeExceptionally(new TimeoutException()), timeout);
    } catch (RuntimeException refused) {
      outcome.completeExceptionally(refused);
      return outcome;
    }
    // Cancelled beside the outcome, not in a stage returned instead of it: a dependent stage would
    // wrap the error in a CompletionException, and callers tell a timeout by its type.
    outcome.whenComplete((value, error) -> cancel.run());
    try {
      executor.execute(
          () -> {
            try {
              outcome.complete(work.call());
            } catch (Exception | LinkageError e) {
              outcome.completeExceptionally(e);
            }
          });
    } catch (RuntimeException refused) {
      outcome.completeExceptionally(refused);
    }
    return outcome;
  }
}
