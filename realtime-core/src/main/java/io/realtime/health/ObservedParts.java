package io.realtime.health;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerRegistry;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.jobs.JobLogEmitter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The parts of an instance whose state is read rather than reported: the broadcasters and the job
 * log emitter (live, degraded, outbox) and the circuit breakers. Metrics gauge them ({@code
 * RealtimeMetrics} in {@code realtime-micrometer}) and {@link
 * io.realtime.health.RealtimeHealthProbe} checks them; both take the same {@code ObservedParts}.
 * Immutable; reading it reads the parts.
 *
 * <pre>{@code
 * ObservedParts parts =
 *     ObservedParts.builder().eventBroadcaster(events).systemBroadcaster(system).build();
 * }</pre>
 */
public final class ObservedParts {

  /** A part that follows the transport, read on each call. */
  public interface Part {
    /**
     * Returns its service name: {@code event_broadcaster}, {@code system_broadcaster} or {@code
     * job_logs}.
     *
     * @return the name
     */
    String name();

    /**
     * Tells whether it follows the transport now. The job log emitter subscribes per viewer: it is
     * live unless degraded.
     *
     * @return {@code true} while live
     */
    boolean isLive();

    /**
     * Tells whether it is degraded: the transport unavailable, local delivery going on.
     *
     * @return {@code true} while degraded
     */
    boolean isDegraded();

    /**
     * Returns the events waiting in its outbox for the transport; 0 for parts without one.
     *
     * @return the outbox size
     */
    int outboxSize();

    /**
     * Returns the events its full outbox dropped.
     *
     * @return the count
     */
    long outboxDropped();
  }

  private record SuppliedPart(
      String name,
      BooleanSupplier live,
      BooleanSupplier degraded,
      IntSupplier outbox,
      LongSupplier dropped)
      implements Part {
    @Override
    public boolean isLive() {
      return live.getAsBoolean();
    }

    @Override
    public boolean isDegraded() {
      return degraded.getAsBoolean();
    }

    @Override
    public int outboxSize() {
      return outbox.getAsInt();
    }

    @Override
    public long outboxDropped() {
      return dropped.getAsLong();
    }
  }

  private final List<Part> parts;
  private final Map<String, CircuitBreaker> breakers;
  private final CircuitBreakerRegistry breakerRegistry;

  private ObservedParts(Builder builder) {
    this.parts = List.copyOf(builder.parts.values());
    this.breakers = new LinkedHashMap<>(builder.breakers);
    this.breakerRegistry = builder.breakerRegistry;
  }

  /**
   * Returns a builder; every part is optional.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the parts, in the order given.
   *
   * @return the parts
   */
  public List<Part> parts() {
    return parts;
  }

  /**
   * Returns the breakers: the parts', those given, and those the breaker registry holds now, one
   * per name.
   *
   * @return the breakers
   */
  public Collection<CircuitBreaker> breakers() {
    Map<String, CircuitBreaker> all = new LinkedHashMap<>(breakers);
    if (breakerRegistry != null) {
      for (CircuitBreaker breaker : breakerRegistry.all()) {
        all.putIfAbsent(breaker.name(), breaker);
      }
    }
    return new ArrayList<>(all.values());
  }

  /**
   * Gives {@code action} every breaker, present and future: those given to the builder and those of
   * its breaker registry now, then each one the registry registers later (see {@link
   * CircuitBreakerRegistry#forEachBreaker}). A breaker given to the builder is not given again from
   * the registry.
   *
   * @param action what to do with each breaker, such as registering a gauge for it
   */
  public void forEachBreaker(Consumer<CircuitBreaker> action) {
    Objects.requireNonNull(action, "action");
    breakers.values().forEach(action);
    if (breakerRegistry != null) {
      breakerRegistry.forEachBreaker(
          breaker -> {
            if (!breakers.containsKey(breaker.name())) {
              action.accept(breaker);
            }
          });
    }
  }

  /** Builds {@link ObservedParts}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Part> parts = new LinkedHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
    private CircuitBreakerRegistry breakerRegistry;

    private Builder() {}

    private Builder part(Part part, CircuitBreaker breaker) {
      parts.put(part.name(), part);
      return circuitBreaker(breaker);
    }

    /**
     * Adds the event broadcaster: live, degraded, outbox, breaker.
     *
     * @param events the broadcaster
     * @return this builder
     */
    public Builder eventBroadcaster(EventBroadcaster events) {
      return part(
          new SuppliedPart(
              EventBroadcaster.SERVICE_NAME,
              events::isLive,
              events::isDegraded,
              events::outboxSize,
              events::outboxDropped),
          events.circuitBreaker());
    }

    /**
     * Adds the system broadcaster: live, degraded, breaker.
     *
     * @param system the broadcaster
     * @return this builder
     */
    public Builder systemBroadcaster(SystemBroadcaster system) {
      return part(
          new SuppliedPart(
              SystemBroadcaster.SERVICE_NAME, system::isLive, system::isDegraded, () -> 0, () -> 0),
          system.circuitBreaker());
    }

    /**
     * Adds the job log emitter: degraded, outbox, breaker; live unless degraded.
     *
     * @param emitter the emitter
     * @return this builder
     */
    public Builder jobLogEmitter(JobLogEmitter emitter) {
      return part(
          new SuppliedPart(
              JobLogEmitter.SERVICE_NAME,
              () -> !emitter.isDegraded(),
              emitter::isDegraded,
              emitter::outboxSize,
              emitter::outboxDropped),
          emitter.circuitBreaker());
    }

    /**
     * Adds a breaker; a second breaker of the same name is ignored.
     *
     * @param breaker the breaker
     * @return this builder
     */
    public Builder circuitBreaker(CircuitBreaker breaker) {
      Objects.requireNonNull(breaker, "breaker");
      breakers.putIfAbsent(breaker.name(), breaker);
      return this;
    }

    /**
     * Adds every breaker this registry holds when the parts are read.
     *
     * @param registry the breaker registry
     * @return this builder
     */
    public Builder circuitBreakers(CircuitBreakerRegistry registry) {
      this.breakerRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Builds the parts.
     *
     * @return the parts
     */
    public ObservedParts build() {
      return new ObservedParts(this);
    }
  }
}
