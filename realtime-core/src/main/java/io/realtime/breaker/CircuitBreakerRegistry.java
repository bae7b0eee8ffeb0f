package io.realtime.breaker;

import io.realtime.message.payload.CircuitBreakerUpdate;
import io.realtime.message.payload.CircuitBreakerUpdate.BreakerState;
import io.realtime.time.TimeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The named circuit breakers of an application, the source of {@code circuit_breaker_update}
 * messages. Listeners added here hear every breaker's state changes, those registered later
 * included. Thread-safe.
 */
public final class CircuitBreakerRegistry {

  private final TimeSource time;
  private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
  private final List<CircuitBreaker.StateChangeListener> listeners = new ArrayList<>();
  private final List<Consumer<CircuitBreaker>> registrationListeners = new ArrayList<>();

  /**
   * Creates an empty registry.
   *
   * @param time the clock stamping updates
   */
  public CircuitBreakerRegistry(TimeSource time) {
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * Registers a breaker.
   *
   * @param breaker the breaker
   * @return the breaker
   * @throws IllegalArgumentException if a breaker with the same name is registered
   */
  public CircuitBreaker register(CircuitBreaker breaker) {
    Objects.requireNonNull(breaker, "breaker");
    List<CircuitBreaker.StateChangeListener> current;
    List<Consumer<CircuitBreaker>> told;
    synchronized (this) {
      if (breakers.putIfAbsent(breaker.name(), breaker) != null) {
        throw new IllegalArgumentException("a breaker named " + breaker.name() + " is registered");
      }
      current = List.copyOf(listeners);
      told = List.copyOf(registrationListeners);
    }
    current.forEach(breaker::onStateChange);
    told.forEach(listener -> listener.accept(breaker));
    return breaker;
  }

  /**
   * Gives {@code action} every breaker, present and future: those registered now at once, on this
   * thread; each one registered later on its registering thread, once registered. Each breaker is
   * given once. For what must follow the set of breakers, such as a gauge per breaker.
   *
   * @param action what to do with each breaker; it must be quick and must not register breakers
   */
  public void forEachBreaker(Consumer<CircuitBreaker> action) {
    Objects.requireNonNull(action, "action");
    List<CircuitBreaker> current;
    synchronized (this) {
      registrationListeners.add(action);
      current = List.copyOf(breakers.values());
    }
    current.forEach(action);
  }

  /**
   * Finds a breaker.
   *
   * @param name its name
   * @return the breaker, if registered
   */
  public synchronized Optional<CircuitBreaker> find(String name) {
    return Optional.ofNullable(breakers.get(name));
  }

  /**
   * Returns every breaker, in registration order.
   *
   * @return a snapshot
   */
  public synchronized Collection<CircuitBreaker> all() {
    return List.copyOf(breakers.values());
  }

  /**
   * Adds a listener to every breaker, present and future.
   *
   * @param listener the listener
   */
  public void onStateChange(CircuitBreaker.StateChangeListener listener) {
    Objects.requireNonNull(listener, "listener");
    List<CircuitBreaker> current;
    synchronized (this) {
      listeners.add(listener);
      current = List.copyOf(breakers.values());
    }
    current.forEach(breaker -> breaker.onStateChange(listener));
  }

  /**
   * Returns the data of a {@code circuit_breaker_update}: counts per state and each breaker's
   * state.
   *
   * @return the update
   */
  public CircuitBreakerUpdate update() {
    Map<String, BreakerState> states = new LinkedHashMap<>();
    int open = 0;
    int halfOpen = 0;
    int closed = 0;
    for (CircuitBreaker breaker : all()) {
      CircuitBreakerStatus status = breaker.status();
      states.put(
          breaker.name(),
          new BreakerState(
              status.state().wireName(),
              status.failureCount(),
              status.successCount(),
              status.lastFailureTime()));
      switch (status.state()) {
        case OPEN -> open++;
        case HALF_OPEN -> halfOpen++;
        default -> closed++;
      }
    }
    return new CircuitBreakerUpdate(
        time.now(),
        new CircuitBreakerUpdate.Summary(states.size(), open, halfOpen, closed),
        states);
  }
}
