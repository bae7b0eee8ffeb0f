package io.realtime.internal.util;

import java.time.Duration;

/**
 * The one exponential backoff of realtime: the ceiling {@code min(cap, base * 2^doublings)} that
 * every retry schedule starts from (the broadcasters' recovery, the health monitor's restarts, the
 * Java client's reconnects), computed in nanoseconds and saturating instead of overflowing. Each
 * caller then applies its own jitter, which is what differs between them.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class Backoff {

  /** A cap that never binds: the longest duration a {@code long} of nanoseconds holds. */
  public static final Duration UNCAPPED = Duration.ofNanos(Long.MAX_VALUE);

  private Backoff() {}

  /**
   * Returns {@code min(cap, base * 2^doublings)}.
   *
   * @param base the first delay, positive
   * @param cap the longest delay
   * @param doublings how many times the base doubles; a negative value counts as zero
   * @return the ceiling, never longer than {@code cap}
   */
  public static Duration ceiling(Duration base, Duration cap, int doublings) {
    long baseNanos = saturatedNanos(base);
    int shift = Math.min(Math.max(doublings, 0), 62);
    long exponential = baseNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseNanos << shift;
    return Duration.ofNanos(Math.min(exponential, saturatedNanos(cap)));
  }

  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(UNCAPPED) >= 0 ? Long.MAX_VALUE : duration.toNanos();
  }
}
