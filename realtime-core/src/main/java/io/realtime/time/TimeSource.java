package io.realtime.time;

import java.time.Instant;

/**
 * Where time-based logic reads the time: a monotonic clock for durations and a wall clock for
 * timestamps. Inject a manual one in tests so that circuit breakers, backoffs and timeouts are
 * tested without waiting.
 */
public interface TimeSource {

  /**
   * Returns a monotonic reading in nanoseconds, for measuring durations only.
   *
   * @return the reading
   */
  long nanoTime();

  /**
   * Returns the current wall-clock time, for timestamps.
   *
   * @return now
   */
  Instant now();

  /**
   * Returns the system's clocks: {@link System#nanoTime()} and {@link Instant#now()}.
   *
   * @return the system time source
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }
}
