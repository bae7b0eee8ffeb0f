package io.realtime.breaker;

import io.realtime.internal.breaker.DefaultCircuitBreaker;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link CircuitBreaker}. Setters validate at once; {@link #build()} copies the settings,
 * so later changes to the builder do not affect a built breaker. Not thread-safe.
 */
public final class CircuitBreakerBuilder {

  private final String name;
  private int failureThreshold = CircuitBreakerConfig.DEFAULTS.failureThreshold();
  private Duration recoveryTimeout = CircuitBreakerConfig.DEFAULTS.recoveryTimeout();
  private int halfOpenMaxCalls = CircuitBreakerConfig.DEFAULTS.halfOpenMaxCalls();
  private int successThreshold = CircuitBreakerConfig.DEFAULTS.successThreshold();
  private TimeSource timeSource = TimeSource.system();
  private final List<CircuitBreaker.StateChangeListener> listeners = new ArrayList<>();

  CircuitBreakerBuilder(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("breaker name must not be blank, got '" + name + "'");
    }
    this.name = name;
  }

  /**
   * Sets how many consecutive failures open the breaker; 5 by default.
   *
   * @param failureThreshold at least 1
   * @return this builder
   */
  public CircuitBreakerBuilder withFailureThreshold(int failureThreshold) {
    this.failureThreshold = failureThreshold;
    validate();
    return this;
  }

  /**
   * Sets how long the breaker stays open before a trial call; 30 seconds by default.
   *
   * @param recoveryTimeout a positive duration
   * @return this builder
   */
  public CircuitBreakerBuilder withRecoveryTimeout(Duration recoveryTimeout) {
    this.recoveryTimeout = recoveryTimeout;
    validate();
    return this;
  }

  /**
   * Sets how many trial calls are permitted at a time while half-open; 1 by default.
   *
   * @param halfOpenMaxCalls at least 1
   * @return this builder
   */
  public CircuitBreakerBuilder withHalfOpenMaxCalls(int halfOpenMaxCalls) {
    this.halfOpenMaxCalls = halfOpenMaxCalls;
    validate();
    return this;
  }

  /**
   * Sets how many half-open successes close the breaker; 1 by default.
   *
   * @param successThreshold at least 1
   * @return this builder
   */
  public CircuitBreakerBuilder withSuccessThreshold(int successThreshold) {
    this.successThreshold = successThreshold;
    validate();
    return this;
  }

  /**
   * Sets the clocks; the system's by default.
   *
   * @param timeSource the time source
   * @return this builder
   */
  public CircuitBreakerBuilder withTimeSource(TimeSource timeSource) {
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    return this;
  }

  /**
   * Adds a state-change listener.
   *
   * @param listener the listener
   * @return this builder
   */
  public CircuitBreakerBuilder onStateChange(CircuitBreaker.StateChangeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  private CircuitBreakerConfig validate() {
    return new CircuitBreakerConfig(
        failureThreshold, recoveryTimeout, halfOpenMaxCalls, successThreshold);
  }

  /**
   * Builds the breaker, CLOSED.
   *
   * @return a new breaker
   */
  public CircuitBreaker build() {
    DefaultCircuitBreaker breaker = new DefaultCircuitBreaker(name, validate(), timeSource);
    listeners.forEach(breaker::onStateChange);
    return breaker;
  }
}
