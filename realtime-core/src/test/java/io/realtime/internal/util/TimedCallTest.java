package io.realtime.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TimedCallTest {

  /** Holds the timeout task instead of running it, and records whether it was cancelled. */
  private static final class HeldTimer implements TimedCall.Timer {
    final List<Runnable> tasks = new ArrayList<>();
    int cancelled;

    @Override
    public Runnable schedule(Runnable task, Duration delay) {
      tasks.add(task);
      return () -> cancelled++;
    }
  }

  private final HeldTimer timer = new HeldTimer();
  private final List<Runnable> queued = new ArrayList<>();
  private final Executor queue = queued::add;

  private static Throwable errorOf(CompletableFuture<?> stage) {
    return stage.handle((value, error) -> error).join();
  }

  @Test
  void aValueCompletesTheStageAndCancelsTheTimer() {
    CompletableFuture<String> stage =
        TimedCall.call(() -> "ok", Runnable::run, Duration.ofSeconds(1), timer);
    assertThat(stage).isCompletedWithValue("ok");
    assertThat(timer.cancelled).isEqualTo(1);
  }

  @Test
  void whatTheWorkThrowsCompletesTheStageUnwrapped() {
    CompletableFuture<String> thrown =
        TimedCall.call(
            () -> {
              throw new IllegalStateException("refused");
            },
            Runnable::run,
            Duration.ofSeconds(1),
            timer);
    assertThat(errorOf(thrown)).isInstanceOf(IllegalStateException.class).hasMessage("refused");
    CompletableFuture<String> linkage =
        TimedCall.call(
            () -> {
              throw new NoSuchMethodError("built against another version");
            },
            Runnable::run,
            Duration.ofSeconds(1),
            timer);
    assertThat(errorOf(linkage)).isInstanceOf(NoSuchMethodError.class);
  }

  @Test
  void workThatDoesNotReturnInTimeEndsInATimeoutItsCallerCanTellByType() {
    CompletableFuture<String> stage =
        TimedCall.call(() -> "late", queue, Duration.ofSeconds(1), timer);
    assertThat(stage).isNotDone();
    timer.tasks.forEach(Runnable::run);
    assertThat(errorOf(stage)).isInstanceOf(TimeoutException.class);
    queued.forEach(Runnable::run);
    assertThat(errorOf(stage)).isInstanceOf(TimeoutException.class);
  }

  @Test
  void aRefusingExecutorEndsTheStageAndCancelsItsTimeout() {
    Executor refusing =
        task -> {
          throw new RejectedExecutionException("shut down");
        };
    CompletableFuture<String> stage =
        TimedCall.call(() -> "never", refusing, Duration.ofSeconds(1), timer);
    assertThat(errorOf(stage)).isInstanceOf(RejectedExecutionException.class);
    assertThat(timer.cancelled).isEqualTo(1);
  }

  @Test
  void aRefusingTimerEndsTheStageBeforeTheWorkRuns() {
    TimedCall.Timer shutDown =
        (task, delay) -> {
          throw new RejectedExecutionException("scheduler shut down");
        };
    CompletableFuture<String> stage =
        TimedCall.call(() -> "never", queue, Duration.ofSeconds(1), shutDown);
    assertThat(errorOf(stage)).isInstanceOf(RejectedExecutionException.class);
    assertThat(queued).isEmpty();
  }

  @Test
  void theTimeoutAlsoBoundsWorkRunOnTheCallingThread() {
    HeldTimer firing = new HeldTimer();
    CompletableFuture<String> stage =
        TimedCall.call(
            () -> {
              firing.tasks.forEach(Runnable::run); // the timeout fires while the work runs
              return "late";
            },
            Runnable::run,
            Duration.ofSeconds(1),
            firing);
    assertThat(errorOf(stage)).isInstanceOf(TimeoutException.class);
  }
}
