package io.realtime.health;

import io.realtime.breaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of this instance's real-time layer, for a readiness or liveness probe, Spring Actuator
 * or a {@code /health} endpoint. Taken by {@link RealtimeHealthProbe#check()}.
 *
 * <p>The {@linkplain #status() status} is, in this order:
 *
 * <ul>
 *   <li>{@link Status#DOWN} when the connection registry is shutting down or shut down: no client
 *       can connect or be served;
 *   <li>{@link Status#DEGRADED} when the instance serves its own clients but not as a member of the
 *       cluster: a component is degraded (its transport unavailable), a circuit breaker is not
 *       closed, a broadcaster does not follow the transport now (not yet subscribed, or
 *       resubscribing), or an outbox holds events not yet published to the other instances;
 *   <li>{@link Status#UP} otherwise.
 * </ul>
 *
 * <p>{@linkplain #ready() Ready} is false while DOWN, and while the transport has never been
 * followed: it turns true at the first check that finds every broadcaster live, and then stays true
 * while the status is UP or DEGRADED, since a degraded instance still serves its own clients.
 * Immutable.
 */
public final class RealtimeHealth {

  /** The overall status; see {@link RealtimeHealth} for when each applies. */
  public enum Status {
    /** Every part works and follows the transport. */
    UP,
    /** Local clients are served, but the transport is away or not followed yet. */
    DEGRADED,
    /** The registry is shutting down: no client is served. */
    DOWN
  }

  /**
   * A part that follows the transport.
   *
   * @param name its service name: {@code event_broadcaster}, {@code system_broadcaster} or {@code
   *     job_logs}
   * @param live whether it follows the transport now; always {@code true} for the job log emitter,
   *     which subscribes per viewer, unless degraded
   * @param degraded whether it is degraded
   * @param outboxSize events waiting for the transport; 0 for parts without an outbox
   * @param outboxDropped events its full outbox dropped
   */
  public record Component(
      String name, boolean live, boolean degraded, int outboxSize, long outboxDropped) {
    /**
     * Validates the name.
     *
     * @param name the name
     * @param live whether it follows the transport
     * @param degraded whether degraded
     * @param outboxSize events waiting
     * @param outboxDropped events dropped
     */
    public Component {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A circuit breaker's state.
   *
   * @param name the breaker's name
   * @param state its state
   */
  public record Breaker(String name, CircuitBreaker.State state) {
    /**
     * Validates the components.
     *
     * @param name the name
     * @param state the state
     */
    public Breaker {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
    }
  }

  private final Status status;
  private final boolean ready;
  private final List<Component> components;
  private final List<Breaker> breakers;
  private final Map<String, Integer> connections;

  RealtimeHealth(
      Status status,
      boolean ready,
      List<Component> components,
      List<Breaker> breakers,
      Map<String, Integer> connections) {
    this.status = status;
    this.ready = ready;
    this.components = List.copyOf(components);
    this.breakers = List.copyOf(breakers);
    this.connections = Map.copyOf(connections);
  }

  /**
   * Returns the overall status.
   *
   * @return the status
   */
  public Status status() {
    return status;
  }

  /**
   * Tells whether the instance should receive traffic.
   *
   * @return {@code false} while DOWN or before the transport was first followed
   */
  public boolean ready() {
    return ready;
  }

  /**
   * Tells whether every component follows the transport now, none degraded.
   *
   * @return {@code true} when the transport is connected for all of them
   */
  public boolean transportConnected() {
    return components.stream().allMatch(c -> c.live() && !c.degraded());
  }

  /**
   * Returns the components, in the order given to the probe.
   *
   * @return the components
   */
  public List<Component> components() {
    return components;
  }

  /**
   * Returns every breaker, its components' and the breaker registry's.
   *
   * @return the breakers
   */
  public List<Breaker> breakers() {
    return breakers;
  }

  /**
   * Returns the events waiting in all outboxes.
   *
   * @return the total outbox size
   */
  public int outboxSize() {
    return components.stream().mapToInt(Component::outboxSize).sum();
  }

  /**
   * Returns the connections per registry channel; job-log channels ({@code job:<id>}) are counted
   * together under {@code job}.
   *
   * @return the counts
   */
  public Map<String, Integer> connections() {
    return connections;
  }

  /**
   * Returns the connections of all channels.
   *
   * @return the total
   */
  public int totalConnections() {
    return connections.values().stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * Returns the snapshot as JSON-ready maps and lists: {@code status}, {@code ready}, {@code
   * transport.connected}, {@code components}, {@code breakers} (states as on the wire: {@code
   * closed}, {@code open}, {@code half-open}), {@code outbox.size} and {@code connections} ({@code
   * total} and per channel).
   *
   * @return a new map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("status", status.name());
    map.put("ready", ready);
    map.put("transport", Map.of("connected", transportConnected()));
    List<Map<String, Object>> parts = new ArrayList<>();
    for (Component component : components) {
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("name", component.name());
      part.put("live", component.live());
      part.put("degraded", component.degraded());
      part.put("outbox_size", component.outboxSize());
      part.put("outbox_dropped", component.outboxDropped());
      parts.add(part);
    }
    map.put("components", parts);
    List<Map<String, Object>> states = new ArrayList<>();
    for (Breaker breaker : breakers) {
      // Ordered maps throughout: Map.of iterates in an order salted per JVM, and probes compare
      // text.
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("name", breaker.name());
      state.put("state", breaker.state().wireName());
      states.add(state);
    }
    map.put("breakers", states);
    map.put("outbox", Map.of("size", outboxSize()));
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("total", totalConnections());
    counts.put("channels", new TreeMap<>(connections));
    map.put("connections", counts);
    return map;
  }

  @Override
  public String toString() {
    return "RealtimeHealth" + toMap();
  }
}
