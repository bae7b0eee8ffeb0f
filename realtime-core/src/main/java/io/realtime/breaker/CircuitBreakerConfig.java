package io.realtime.breaker;

import io.realtime.internal.util.Durations;
import java.time.Duration;

/**
 * The immutable configuration of a {@link CircuitBreaker}.
 *
 * @param failureThreshold consecutive failures that open the breaker, at least 1
 * @param recoveryTimeout how long the breaker stays open before a trial call, positive
 * @param halfOpenMaxCalls trial calls permitted at a time while half-open, at least 1
 * @param successThreshold successes in half-open that close the breaker, at least 1
 */
public record CircuitBreakerConfig(
    int failureThreshold, Duration recoveryTimeout, int halfOpenMaxCalls, int successThreshold) {

  /**
   * The broadcasters' defaults: 5 failures, 30 s, 1 trial call, 1 success.
   *
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static final CircuitBreakerConfig DEFAULTS =
      new CircuitBreakerConfig(5, Duration.ofSeconds(30), 1, 1);

  /**
   * Returns the broadcasters' defaults: 5 failures, 30 s, 1 trial call, 1 success.
   *
   * @return the defaults
   */
  public static CircuitBreakerConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Validates the configuration.
   *
   * @param failureThreshold consecutive failures that open the breaker, at least 1
   * @param recoveryTimeout how long the breaker stays open before a trial call, positive
   * @param halfOpenMaxCalls trial calls permitted at a time while half-open, at least 1
   * @param successThreshold successes in half-open that close the breaker, at least 1
   */
  public CircuitBreakerConfig {
    requireAtLeastOne("failureThreshold", failureThreshold);
    Durations.requirePositive("recoveryTimeout", recoveryTimeout);
    requireAtLeastOne("halfOpenMaxCalls", halfOpenMaxCalls);
    requireAtLeastOne("successThreshold", successThreshold);
  }

  private static void requireAtLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
