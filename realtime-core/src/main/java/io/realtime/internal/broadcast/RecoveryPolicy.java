package io.realtime.internal.broadcast;

import io.realtime.internal.util.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a broken subscription is retried: attempt {@code n} waits {@code min(base * 2^(n-1), cap)}
 * plus a jitter of 10 to 30 %, and after {@code maxAttempts} failures the broadcaster is degraded.
 *
 * <p>This class is internal and is hence not for public use.
 *
 * @param maxAttempts failures after which the broadcaster is degraded
 * @param base the first delay
 * @param cap the longest delay, before jitter
 * @param random the jitter source
 */
public record RecoveryPolicy(int maxAttempts, Duration base, Duration cap, RandomGenerator random) {

  /** The smallest jitter, as a fraction of the delay. */
  public static final double MIN_JITTER = 0.10;

  /** The largest jitter, as a fraction of the delay. */
  public static final double MAX_JITTER = 0.30;

  /**
   * Validates the policy.
   *
   * @param maxAttempts failures after which the broadcaster is degraded
   * @param base the first delay
   * @param cap the longest delay, before jitter
   * @param random the jitter source
   */
  public RecoveryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxRecoveryAttempts must be >= 1, got " + maxAttempts);
    }
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("backoff base must be positive, got " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff cap " + cap + " must be >= base " + base);
    }
    Objects.requireNonNull(random, "random");
  }

  /**
   * Returns the delay before attempt {@code attempt}.
   *
   * @param attempt the attempt number, from 1
   * @return the delay with jitter
   */
  public Duration delay(int attempt) {
    long delay = Backoff.ceiling(base, cap, attempt - 1).toNanos();
    double jitter = MIN_JITTER + random.nextDouble() * (MAX_JITTER - MIN_JITTER);
    long extra = (long) (delay * jitter);
    // Saturates like the ceiling: a cap near the longest duration must not wrap to a negative.
    return Duration.ofNanos(extra > Long.MAX_VALUE - delay ? Long.MAX_VALUE : delay + extra);
  }
}
