package io.realtime.admission;

import io.realtime.internal.util.Durations;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory connection rate limiter, for a single instance: per client, at most {@code limit +
 * burst} attempts in any sliding window (by default 100 per minute plus a burst of 2, as the
 * original). Clients idle for a whole window are forgotten. Thread-safe.
 */
public final class SlidingWindowRateLimiter implements ConnectionRateLimiter {

  /** The original's limit per minute. */
  public static final int DEFAULT_LIMIT = 100;

  /** The original's burst, hard-coded there for WebSockets. */
  public static final int DEFAULT_BURST = 2;

  private final int allowed;
  private final long windowNanos;
  private final TimeSource time;
  private final Map<String, ArrayDeque<Long>> attempts = new ConcurrentHashMap<>();
  private long lastSweepNanos;

  /**
   * Creates a limiter.
   *
   * @param limit attempts per window, at least 1
   * @param burst extra attempts allowed, 0 or more
   * @param window the window, positive
   * @param time the clock
   */
  public SlidingWindowRateLimiter(int limit, int burst, Duration window, TimeSource time) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    if (burst < 0) {
      throw new IllegalArgumentException("burst must be >= 0, got " + burst);
    }
    Durations.requirePositive("window", window);
    this.allowed = limit + burst;
    this.windowNanos = window.toNanos();
    this.time = Objects.requireNonNull(time, "time");
    this.lastSweepNanos = time.nanoTime();
  }

  /**
   * Creates the original's limiter: 100 per minute plus a burst of 2.
   *
   * @param time the clock
   * @return the limiter
   */
  public static SlidingWindowRateLimiter defaults(TimeSource time) {
    return new SlidingWindowRateLimiter(DEFAULT_LIMIT, DEFAULT_BURST, Duration.ofMinutes(1), time);
  }

  /**
   * Same as {@link #defaults(TimeSource)}.
   *
   * @param time the clock
   * @return the limiter
   * @deprecated use {@link #defaults(TimeSource)}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static SlidingWindowRateLimiter withDefaults(TimeSource time) {
    return defaults(time);
  }

  @Override
  public boolean tryAcquire(String clientKey) {
    long now = time.nanoTime();
    sweep(now);
    ArrayDeque<Long> window = attempts.computeIfAbsent(clientKey, key -> new ArrayDeque<>());
    synchronized (window) {
      while (!window.isEmpty() && now - window.peekFirst() >= windowNanos) {
        window.pollFirst();
      }
      if (window.size() >= allowed) {
        return false;
      }
      window.addLast(now);
      return true;
    }
  }

  /** Forgets clients idle for a window, at most once a window. */
  private void sweep(long now) {
    synchronized (this) {
      if (now - lastSweepNanos < windowNanos) {
        return;
      }
      lastSweepNanos = now;
    }
    for (Iterator<Map.Entry<String, ArrayDeque<Long>>> it = attempts.entrySet().iterator();
        it.hasNext(); ) {
      ArrayDeque<Long> window = it.next().getValue();
      synchronized (window) {
        if (window.isEmpty() || now - window.peekLast() >= windowNanos) {
          it.remove();
        }
      }
    }
  }
}
