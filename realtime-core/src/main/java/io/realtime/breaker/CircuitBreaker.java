package io.realtime.breaker;

import java.time.Duration;
import java.util.Locale;

/**
 * A circuit breaker with the original system's semantics.
 *
 * <ul>
 *   <li><b>CLOSED</b>: calls are permitted. Each failure adds to a count of consecutive failures; a
 *       success resets it. At {@code failureThreshold} failures the breaker opens.
 *   <li><b>OPEN</b>: calls are refused. Once {@code recoveryTimeout} has passed, the next {@link
 *       #tryAcquirePermission()} moves the breaker to half-open and is permitted. No timer is
 *       involved: {@link #state()} reports OPEN until someone asks for permission. A successful
 *       liveness probe ({@link #probeSucceeded()}) half-opens it sooner.
 *   <li><b>HALF_OPEN</b>: at most {@code halfOpenMaxCalls} trial calls are permitted at a time (the
 *       original never counted them). {@code successThreshold} successes close the breaker; any
 *       failure opens it again for another {@code recoveryTimeout}.
 * </ul>
 *
 * <p>{@link #reset()} forces CLOSED. Total failure and success counts survive resets. State-change
 * listeners are called outside any lock, on the thread that caused the change; an exception from a
 * listener is logged and swallowed. Implementations are thread-safe.
 */
public interface CircuitBreaker {

  /**
   * Returns a builder with the broadcasters' defaults: failure threshold 5, recovery timeout 30 s,
   * one half-open call, success threshold 1.
   *
   * @param name the breaker's name, for example {@code event_broadcaster}
   * @return the builder
   */
  static CircuitBreakerBuilder builder(String name) {
    return new CircuitBreakerBuilder(name);
  }

  /**
   * Creates a breaker with the broadcasters' defaults.
   *
   * @param name the breaker's name
   * @return the breaker
   */
  static CircuitBreaker ofDefaults(String name) {
    return builder(name).build();
  }

  /**
   * Returns the breaker's name.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the configuration.
   *
   * @return the immutable configuration
   */
  CircuitBreakerConfig config();

  /**
   * Asks to make a call. In OPEN, once the recovery timeout has passed, this moves the breaker to
   * HALF_OPEN and grants the trial call. A granted call must be followed by {@link
   * #recordSuccess()} or {@link #recordFailure()}.
   *
   * @return {@code true} if the call may proceed
   */
  boolean tryAcquirePermission();

  /**
   * Reports that a cheap liveness check of the protected resource, made outside the breaker,
   * succeeded: an OPEN breaker moves to HALF_OPEN now instead of waiting out the rest of its
   * recovery timeout, so the next {@link #tryAcquirePermission()} grants the trial call at once.
   * The timeout stays the upper bound of the open window. In CLOSED and HALF_OPEN nothing changes.
   * A resilient subscription calls it when its probe of the backbone answers, so delivery resumes
   * within seconds of the backbone coming back. The default does nothing, for breakers that only
   * recover by their timeout.
   *
   * @return {@code true} if the breaker moved from OPEN to HALF_OPEN
   */
  default boolean probeSucceeded() {
    return false;
  }

  /** Records a successful call. */
  void recordSuccess();

  /** Records a failed call. */
  void recordFailure();

  /**
   * Returns the current state without moving it: an OPEN breaker whose timeout passed still reports
   * OPEN until someone asks for permission.
   *
   * @return the state
   */
  State state();

  /**
   * Returns how long an OPEN breaker still refuses calls; zero in other states or once the timeout
   * passed.
   *
   * @return the remaining time
   */
  Duration remainingOpenTime();

  /** Forces the breaker CLOSED and clears its counts; totals are kept. */
  void reset();

  /**
   * Returns a snapshot of the breaker with the original's fields.
   *
   * @return the status
   */
  CircuitBreakerStatus status();

  /**
   * Adds a listener for state changes.
   *
   * @param listener the listener
   */
  void onStateChange(StateChangeListener listener);

  /** The breaker's states. */
  enum State {
    /** Calls flow. */
    CLOSED,
    /** Calls are refused until the recovery timeout passes. */
    OPEN,
    /** Trial calls test whether the protected resource is back. */
    HALF_OPEN;

    /**
     * Returns the state as the original names it.
     *
     * @return {@code "closed"}, {@code "open"} or {@code "half_open"}
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Told about every state change. */
  @FunctionalInterface
  interface StateChangeListener {
    /**
     * Called after the breaker changed state, outside its lock.
     *
     * @param breaker the breaker
     * @param from the previous state
     * @param to the new state
     */
    void onStateChange(CircuitBreaker breaker, State from, State to);
  }
}
