package io.realtime.internal.breaker;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerConfig;
import io.realtime.breaker.CircuitBreakerStatus;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CircuitBreaker}: an immutable {@link Snapshot} in an {@link AtomicReference},
 * replaced under this object's lock; listeners run after the lock is released.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time. Use {@link CircuitBreaker#builder(String)}.
 */
public final class DefaultCircuitBreaker implements CircuitBreaker {

  private static final Logger log = LoggerFactory.getLogger(DefaultCircuitBreaker.class);

  private final String name;
  private final CircuitBreakerConfig config;
  private final TimeSource time;
  private final AtomicReference<Snapshot> snapshot;
  private final AtomicLong totalFailures = new AtomicLong();
  private final AtomicLong totalSuccesses = new AtomicLong();
  private final List<StateChangeListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Creates a CLOSED breaker.
   *
   * @param name the name
   * @param config the configuration
   * @param time the clocks
   */
  public DefaultCircuitBreaker(String name, CircuitBreakerConfig config, TimeSource time) {
    this.name = name;
    this.config = config;
    this.time = time;
    this.snapshot = new AtomicReference<>(Snapshot.closed(null, null));
  }

  /**
   * The breaker's state and counts at one moment.
   *
   * @param state the state
   * @param failures consecutive failures
   * @param successes half-open successes
   * @param trialCalls half-open calls granted and not yet recorded
   * @param openedAtNanos monotonic time the breaker opened, meaningful in OPEN
   * @param openedAt wall time the breaker opened, or {@code null}
   * @param lastFailure wall time of the last failure, or {@code null}
   * @param lastStateChange wall time of the last change, or {@code null}
   */
  private record Snapshot(
      State state,
      int failures,
      int successes,
      int trialCalls,
      long openedAtNanos,
      Instant openedAt,
      Instant lastFailure,
      Instant lastStateChange) {

    static Snapshot closed(Instant lastFailure, Instant lastStateChange) {
      return new Snapshot(State.CLOSED, 0, 0, 0, 0L, null, lastFailure, lastStateChange);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CircuitBreakerConfig config() {
    return config;
  }

  @Override
  public boolean tryAcquirePermission() {
    State from;
    State to;
    synchronized (this) {
      Snapshot current = snapshot.get();
      switch (current.state()) {
        case CLOSED:
          return true;
        case HALF_OPEN:
          if (current.trialCalls() >= config.halfOpenMaxCalls()) {
            return false;
          }
          snapshot.set(withTrialCalls(current, current.trialCalls() + 1));
          return true;
        case OPEN:
        default:
          if (time.nanoTime() - current.openedAtNanos() < config.recoveryTimeout().toNanos()) {
            return false;
          }
          snapshot.set(halfOpen(current, 1));
          from = State.OPEN;
          to = State.HALF_OPEN;
      }
    }
    notifyListeners(from, to);
    return true;
  }

  @Override
  public boolean probeSucceeded() {
    synchronized (this) {
      Snapshot current = snapshot.get();
      if (current.state() != State.OPEN) {
        return false;
      }
      // No trial call is granted here: the caller's next tryAcquirePermission takes it.
      snapshot.set(halfOpen(current, 0));
    }
    notifyListeners(State.OPEN, State.HALF_OPEN);
    return true;
  }

  @Override
  public void recordSuccess() {
    totalSuccesses.incrementAndGet();
    State from = null;
    synchronized (this) {
      Snapshot current = snapshot.get();
      switch (current.state()) {
        case CLOSED:
          if (current.failures() != 0) {
            snapshot.set(Snapshot.closed(current.lastFailure(), current.lastStateChange()));
          }
          break;
        case HALF_OPEN:
          int successes = current.successes() + 1;
          if (successes >= config.successThreshold()) {
            snapshot.set(Snapshot.closed(current.lastFailure(), time.now()));
            from = State.HALF_OPEN;
          } else {
            snapshot.set(
                new Snapshot(
                    State.HALF_OPEN,
                    current.failures(),
                    successes,
                    Math.max(0, current.trialCalls() - 1),
                    current.openedAtNanos(),
                    current.openedAt(),
                    current.lastFailure(),
                    current.lastStateChange()));
          }
          break;
        case OPEN:
        default:
          break;
      }
    }
    if (from != null) {
      notifyListeners(from, State.CLOSED);
    }
  }

  @Override
  public void recordFailure() {
    totalFailures.incrementAndGet();
    State from = null;
    synchronized (this) {
      Snapshot current = snapshot.get();
      Instant now = time.now();
      int failures = current.failures() + 1;
      boolean opens =
          current.state() == State.HALF_OPEN
              || (current.state() == State.CLOSED && failures >= config.failureThreshold());
      if (opens) {
        snapshot.set(new Snapshot(State.OPEN, failures, 0, 0, time.nanoTime(), now, now, now));
        from = current.state();
      } else {
        snapshot.set(
            new Snapshot(
                current.state(),
                failures,
                current.successes(),
                current.trialCalls(),
                current.openedAtNanos(),
                current.openedAt(),
                now,
                current.lastStateChange()));
      }
    }
    if (from != null) {
      notifyListeners(from, State.OPEN);
    }
  }

  @Override
  public State state() {
    return snapshot.get().state();
  }

  @Override
  public Duration remainingOpenTime() {
    Snapshot current = snapshot.get();
    if (current.state() != State.OPEN) {
      return Duration.ZERO;
    }
    long remaining =
        config.recoveryTimeout().toNanos() - (time.nanoTime() - current.openedAtNanos());
    return remaining > 0 ? Duration.ofNanos(remaining) : Duration.ZERO;
  }

  @Override
  public void reset() {
    State from;
    synchronized (this) {
      Snapshot current = snapshot.get();
      from = current.state();
      snapshot.set(
          Snapshot.closed(
              current.lastFailure(),
              from == State.CLOSED ? current.lastStateChange() : time.now()));
    }
    if (from != State.CLOSED) {
      notifyListeners(from, State.CLOSED);
    }
  }

  @Override
  public CircuitBreakerStatus status() {
    Snapshot current = snapshot.get();
    return new CircuitBreakerStatus(
        name,
        current.state(),
        current.failures(),
        current.successes(),
        totalFailures.get(),
        totalSuccesses.get(),
        current.lastFailure(),
        current.state() == State.CLOSED ? null : current.openedAt(),
        current.lastStateChange(),
        config);
  }

  @Override
  public void onStateChange(StateChangeListener listener) {
    listeners.add(listener);
  }

  /** An OPEN snapshot moved to HALF_OPEN now, with {@code trialCalls} granted. */
  private Snapshot halfOpen(Snapshot open, int trialCalls) {
    return new Snapshot(
        State.HALF_OPEN,
        open.failures(),
        0,
        trialCalls,
        open.openedAtNanos(),
        open.openedAt(),
        open.lastFailure(),
        time.now());
  }

  private static Snapshot withTrialCalls(Snapshot current, int trialCalls) {
    return new Snapshot(
        current.state(),
        current.failures(),
        current.successes(),
        trialCalls,
        current.openedAtNanos(),
        current.openedAt(),
        current.lastFailure(),
        current.lastStateChange());
  }

  private void notifyListeners(State from, State to) {
    log.info("Circuit breaker {}: {} -> {}", name, from, to);
    for (StateChangeListener listener : listeners) {
      try {
        listener.onStateChange(this, from, to);
      } catch (RuntimeException e) {
        log.warn("State-change listener of circuit breaker {} failed", name, e);
      }
    }
  }

  @Override
  public String toString() {
    return "CircuitBreaker[" + name + ", " + snapshot.get().state() + "]";
  }
}
