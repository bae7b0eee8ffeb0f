package io.realtime.internal;

import io.realtime.time.TaskScheduler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The host's scheduler if it gave one, else a daemon thread of the component's own that {@link
 * #close()} stops.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class OwnedScheduler implements AutoCloseable {

  private final TaskScheduler scheduler;
  private final ScheduledExecutorService owned;

  /**
   * Uses the host's scheduler, or creates one.
   *
   * @param hostScheduler the host's scheduler, or {@code null}
   * @param threadName the name of the thread created when the host gave none
   */
  public OwnedScheduler(TaskScheduler hostScheduler, String threadName) {
    if (hostScheduler != null) {
      this.scheduler = hostScheduler;
      this.owned = null;
    } else {
      this.owned = Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory(threadName));
      this.scheduler = TaskScheduler.of(owned);
    }
  }

  /**
   * Returns the scheduler to use.
   *
   * @return the scheduler
   */
  public TaskScheduler scheduler() {
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
