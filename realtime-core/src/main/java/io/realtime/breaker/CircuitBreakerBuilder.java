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
  private int failureThreshold = CircuitBreakerConfig.defaults().failureThreshold();
  private Duration recoveryTimeout = CircuitBreakerConfig.defaults().recoveryTimeout();
  private int halfOpenMaxCalls = CircuitBreakerConfig.defaults().halfOpenMaxCalls();
  private int successThreshold = CircuitBreakerConfig.defaults().successThreshold();
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
  public CircuitBreakerBuilder failureThreshold(int failureThreshold) {
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
  public CircuitBreakerBuilder recoveryTimeout(Duration recoveryTimeout) {
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
  public CircuitBreakerBuilder halfOpenMaxCalls(int halfOpenMaxCalls) {
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
  public CircuitBreakerBuilder successThreshold(int successThreshold) {
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
  public CircuitBreakerBuilder timeSource(TimeSource timeSource) {
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    return this;
  }

  /**
   * Same as {@link #failureThreshold}: the name before the builders shared one vocabulary (bare
   * setters, see CONTRIBUTING.md).
   *
   * @param failureThreshold see {@link #failureThreshold}
   * @return this builder
   * @deprecated use {@link #failureThreshold}
   */
  @Deprecated(since = "0.1.0")
  public CircuitBreakerBuilder withFailureThreshold(int failureThreshold) {
    return failureThreshold(failureThreshold);
  }

  /**
   * Same as {@link #recoveryTimeout}: the name before the builders shared one vocabulary (bare
   * setters, see CONTRIBUTING.md).
   *
   * @param recoveryTimeout see {@link #recoveryTimeout}
   * @return this builder
   * @deprecated use {@link #recoveryTimeout}
   */
  @Deprecated(since = "0.1.0")
  public CircuitBreakerBuilder withRecoveryTimeout(Duration recoveryTimeout) {
    return recoveryTimeout(recoveryTimeout);
  }

  /**
   * Same as {@link #halfOpenMaxCalls}: the name before the builders shared one vocabulary (bare
   * setters, see CONTRIBUTING.md).
   *
   * @param halfOpenMaxCalls see {@link #halfOpenMaxCalls}
   * @return this builder
   * @deprecated use {@link #halfOpenMaxCalls}
   */
  @Deprecated(since = "0.1.0")
  public CircuitBreakerBuilder withHalfOpenMaxCalls(int halfOpenMaxCalls) {
    return halfOpenMaxCalls(halfOpenMaxCalls);
  }

  /**
   * Same as {@link #successThreshold}: the name before the builders shared one vocabulary (bare
   * setters, see CONTRIBUTING.md).
   *
   * @param successThreshold see {@link #successThreshold}
   * @return this builder
   * @deprecated use {@link #successThreshold}
   */
  @Deprecated(since = "0.1.0")
  public CircuitBreakerBuilder withSuccessThreshold(int successThreshold) {
    return successThreshold(successThreshold);
  }

  /**
   * Same as {@link #timeSource}: the name before the builders shared one vocabulary (bare setters,
   * see CONTRIBUTING.md).
   *
   * @param timeSource see {@link #timeSource}
   * @return this builder
   * @deprecated use {@link #timeSource}
   */
  @Deprecated(since = "0.1.0")
  public CircuitBreakerBuilder withTimeSource(TimeSource timeSource) {
    return timeSource(timeSource);
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
