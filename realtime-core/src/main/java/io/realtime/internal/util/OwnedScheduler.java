package io.realtime.internal.util;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * The host's scheduler if it gave one, else a daemon thread of the component's own that {@link
 * #close()} stops.
 *
 * <p>Generic in the scheduler type so that this ground-floor helper names no type of the project:
 * callers pass {@code TaskScheduler::of} as the adapter.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 *
 * @param <S> the scheduler type the component uses
 */
public final class OwnedScheduler<S> implements AutoCloseable {

  private final S scheduler;
  private final ScheduledExecutorService owned;

  /**
   * Uses the host's scheduler, or creates one.
   *
   * @param hostScheduler the host's scheduler, or {@code null}
   * @param threadName the name of the thread created when the host gave none
   * @param adapter makes the scheduler type from the executor created when the host gave none
   */
  public OwnedScheduler(
      S hostScheduler, String threadName, Function<ScheduledExecutorService, S> adapter) {
    if (hostScheduler != null) {
      this.scheduler = hostScheduler;
      this.owned = null;
    } else {
      this.owned = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory(threadName));
      this.scheduler = adapter.apply(owned);
    }
  }

  /**
   * Returns the scheduler to use.
   *
   * @return the scheduler
   */
  public S scheduler() {
    return scheduler;
  }

  /** Stops the thread created here, if any; the host's scheduler is left alone. */
  @Override
  public void close() {
    if (owned != null) {
      owned.shutdownNow();
    }
  }
}
