package io.realtime.health;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Takes {@link RealtimeHealth} snapshots of a registry and the {@link ObservedParts} it was built
 * with; cheap enough for every probe request. It remembers whether every part was once seen live,
 * which makes an instance {@linkplain RealtimeHealth#ready() ready}. Thread-safe.
 *
 * <pre>{@code
 * ObservedParts parts = ObservedParts.builder().eventBroadcaster(events).build();
 * RealtimeHealthProbe probe = RealtimeHealthProbe.builder(registry).parts(parts).build();
 * RealtimeHealth health = probe.check();
 * }</pre>
 */
public final class RealtimeHealthProbe {

  private final ConnectionRegistry registry;
  private final ObservedParts parts;
  private volatile boolean everLive;

  private RealtimeHealthProbe(Builder builder) {
    this.registry = builder.registry;
    this.parts = builder.parts;
  }

  /**
   * Returns a builder.
   *
   * @param registry the connections, whose shutdown makes the instance DOWN
   * @return the builder
   */
  public static Builder builder(ConnectionRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Takes a snapshot.
   *
   * @return the health now
   */
  public RealtimeHealth check() {
    List<RealtimeHealth.Component> components = new ArrayList<>();
    for (ObservedParts.Part part : parts.parts()) {
      components.add(
          new RealtimeHealth.Component(
              part.name(),
              part.isLive(),
              part.isDegraded(),
              part.outboxSize(),
              part.outboxDropped()));
    }
    List<RealtimeHealth.Breaker> states = new ArrayList<>();
    parts.breakers().forEach(b -> states.add(new RealtimeHealth.Breaker(b.name(), b.state())));
    Map<String, Integer> connections = new TreeMap<>();
    for (String channel : registry.channels()) {
      connections.merge(
          channel.startsWith("job:") ? "job" : channel, registry.count(channel), Integer::sum);
    }
    boolean allLive = components.stream().allMatch(RealtimeHealth.Component::live);
    if (allLive) {
      everLive = true;
    }
    RealtimeHealth.Status status;
    if (registry.isShutdown()) {
      status = RealtimeHealth.Status.DOWN;
    } else if (!allLive
        || components.stream().anyMatch(c -> c.degraded() || c.outboxSize() > 0)
        || states.stream().anyMatch(b -> b.state() != CircuitBreaker.State.CLOSED)) {
      status = RealtimeHealth.Status.DEGRADED;
    } else {
      status = RealtimeHealth.Status.UP;
    }
    boolean ready = status != RealtimeHealth.Status.DOWN && everLive;
    return new RealtimeHealth(status, ready, components, states, connections);
  }

  /** Builds {@link RealtimeHealthProbe}. Not thread-safe. */
  public static final class Builder {
    private final ConnectionRegistry registry;
    private ObservedParts parts = ObservedParts.builder().build();

    private Builder(ConnectionRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Sets the parts to check: broadcasters, job log emitter, breakers; none by default.
     *
     * @param parts the parts
     * @return this builder
     */
    public Builder parts(ObservedParts parts) {
      this.parts = Objects.requireNonNull(parts, "parts");
      return this;
    }

    /**
     * Builds the probe.
     *
     * @return the probe
     */
    public RealtimeHealthProbe build() {
      return new RealtimeHealthProbe(this);
    }
  }
}
