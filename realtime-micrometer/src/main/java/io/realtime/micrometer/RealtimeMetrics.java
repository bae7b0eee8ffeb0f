package io.realtime.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.realtime.breaker.CircuitBreaker;
import io.realtime.health.ObservedParts;
import io.realtime.observe.RealtimeObserver;
import java.util.Objects;

/**
 * Binds the realtime layer's meters to a Micrometer {@link MeterRegistry}.
 *
 * <p>Counts come from the {@linkplain #observer() observer}, which is passed to the builders of the
 * parts that report; states (breakers, degraded flags, outboxes) are read from the {@link
 * ObservedParts} given to the {@link Builder}. The observer exists before the parts, so that they
 * can be built with it:
 *
 * <pre>{@code
 * RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
 * RealtimeObserver observer = metricsBuilder.observer();
 * ConnectionRegistry registry = ConnectionRegistry.builder().observer(observer).build();
 * RedisTransport transport = RedisTransport.create(config, observer);
 * EventBroadcaster events = EventBroadcaster.builder(transport, registry).observer(observer).build();
 * RealtimeWebSocket websocket =
 *     RealtimeWebSocket.builder(registry).events(events).observer(observer).build();
 * RealtimeMetrics metrics =
 *     metricsBuilder.parts(ObservedParts.builder().eventBroadcaster(events).build()).build();
 * metrics.bindTo(meterRegistry);
 * }</pre>
 *
 * <p>The meters (see {@code docs/operations.md}, <i>Metrics</i>):
 *
 * <ul>
 *   <li>{@value #CONNECTIONS} (gauge, tag {@code channel}): open connections;
 *   <li>{@value #MESSAGES_SENT}, {@value #MESSAGES_CONFLATED}, {@value #MESSAGES_DROPPED}
 *       (counters, tag {@code channel});
 *   <li>{@value #QUEUE_DEPTH} (distribution summary, base unit {@code messages}): a connection's
 *       queue, sampled after each message queued to it;
 *   <li>{@value #SLOW_CONSUMER_CLOSES} (counter);
 *   <li>{@value #REFUSED} (counter, tag {@code reason}: {@code auth}, {@code rate_limit}, {@code
 *       origin}, {@code cap});
 *   <li>{@value #RESYNCS} (counter, tag {@code outcome}: {@code recovered}, {@code too_old}, {@code
 *       not_recovered});
 *   <li>{@value #BREAKER_STATE} (gauge, tag {@code name}): 0 closed, 1 half-open, 2 open;
 *   <li>{@value #DEGRADED} (gauge, tag {@code component}): 1 while degraded, else 0;
 *   <li>{@value #OUTBOX_SIZE} (gauge) and {@value #OUTBOX_DROPPED} (counter), tag {@code
 *       component};
 *   <li>{@value #TRANSPORT_PUBLISH} (timer, tags {@code transport}, {@code operation}, {@code
 *       outcome}).
 * </ul>
 *
 * <p>The {@code channel} tag is the registry channel, except that every job-log channel ({@code
 * job:<id>}) is counted under {@code job}, so that job ids never become tag values. Counters keep
 * what was observed before {@link #bindTo}; the queue-depth summary and the publish timer record
 * only into registries already bound. {@code bindTo} may be called for several registries.
 * Thread-safe.
 */
public final class RealtimeMetrics implements MeterBinder {

  /** Open connections per channel. */
  public static final String CONNECTIONS = "realtime.connections";

  /** Messages written to connections. */
  public static final String MESSAGES_SENT = "realtime.messages.sent";

  /** Latest-value messages replaced unsent by a newer one. */
  public static final String MESSAGES_CONFLATED = "realtime.messages.conflated";

  /** Queued messages discarded because their connection closed. */
  public static final String MESSAGES_DROPPED = "realtime.messages.dropped";

  /** A connection's outbound queue, sampled after each message queued. */
  public static final String QUEUE_DEPTH = "realtime.outbound.queue.depth";

  /** Connections closed with 1013 for not reading fast enough. */
  public static final String SLOW_CONSUMER_CLOSES = "realtime.slow.consumer.closes";

  /** Connections refused before registration. */
  public static final String REFUSED = "realtime.connections.refused";

  /** Resyncs answered. */
  public static final String RESYNCS = "realtime.resyncs";

  /** A circuit breaker's state: 0 closed, 1 half-open, 2 open. */
  public static final String BREAKER_STATE = "realtime.breaker.state";

  /** 1 while a component is degraded. */
  public static final String DEGRADED = "realtime.degraded";

  /** Events waiting in an outbox for the transport. */
  public static final String OUTBOX_SIZE = "realtime.outbox.size";

  /** Events a full outbox dropped. */
  public static final String OUTBOX_DROPPED = "realtime.outbox.dropped";

  /** How long transport appends and publishes take. */
  public static final String TRANSPORT_PUBLISH = "realtime.transport.publish";

  private final MeteredObserver observer;
  private final ObservedParts parts;

  private RealtimeMetrics(Builder builder) {
    this.observer = builder.observer;
    this.parts = builder.parts;
  }

  /**
   * Returns a builder, which holds the observer the built metrics count.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the observer to pass to the parts' builders; the same as {@link Builder#observer()}.
   *
   * @return the observer
   */
  public RealtimeObserver observer() {
    return observer;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    for (ObservedParts.Part part : parts.parts()) {
      // Micrometer holds a meter's object weakly; this gauge holds the part strongly, so that it
      // (and the outbox meters on it) still read after a collection when only the meter registry
      // holds this binder.
      Gauge.builder(DEGRADED, part, p -> p.isDegraded() ? 1 : 0)
          .strongReference(true)
          .tag("component", part.name())
          .description("1 while the component is degraded (its transport unavailable), else 0")
          .register(registry);
      Gauge.builder(OUTBOX_SIZE, part, ObservedParts.Part::outboxSize)
          .tag("component", part.name())
          .description("Events delivered locally that wait to be published to other instances")
          .baseUnit("events")
          .register(registry);
      FunctionCounter.builder(OUTBOX_DROPPED, part, ObservedParts.Part::outboxDropped)
          .tag("component", part.name())
          .description("Events a full outbox dropped: they never reached the other instances")
          .baseUnit("events")
          .register(registry);
    }
    // Breakers a breaker registry registers after binding get their gauge then, as health sees
    // them.
    parts.forEachBreaker(
        breaker ->
            Gauge.builder(BREAKER_STATE, breaker, RealtimeMetrics::stateCode)
                .strongReference(true)
                .tag("name", breaker.name())
                .description("Circuit breaker state: 0 closed, 1 half-open, 2 open")
                .register(registry));
    observer.bindTo(registry);
  }

  /**
   * The number {@value #BREAKER_STATE} reports for a breaker's state.
   *
   * @param breaker the breaker
   * @return 0 closed, 1 half-open, 2 open
   */
  static double stateCode(CircuitBreaker breaker) {
    return switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /**
   * Builds {@link RealtimeMetrics}. The observer is created with the builder, so that the parts can
   * be built with it before they are given here. Build once. Not thread-safe.
   */
  public static final class Builder {
    private final MeteredObserver observer = new MeteredObserver();
    private ObservedParts parts = ObservedParts.builder().build();

    private Builder() {}

    /**
     * Returns the observer that the built metrics count: pass it to {@code
     * ConnectionRegistry.builder().observer}, {@code EventBroadcaster.builder(...).observer}, the
     * WebSocket endpoints' builder and {@code RedisTransport.create(config, observer)}.
     *
     * @return the observer
     */
    public RealtimeObserver observer() {
      return observer;
    }

    /**
     * Sets the parts whose degraded flag, outbox and breakers are gauged; none by default. The
     * system broadcaster has no outbox: its outbox gauges stay 0.
     *
     * @param parts the parts
     * @return this builder
     */
    public Builder parts(ObservedParts parts) {
      this.parts = Objects.requireNonNull(parts, "parts");
      return this;
    }

    /**
     * Builds the binder.
     *
     * @return the metrics
     */
    public RealtimeMetrics build() {
      return new RealtimeMetrics(this);
    }
  }

  /**
   * Converts a channel to its tag value: job-log channels share {@code job}.
   *
   * @param channel the registry channel
   * @return the tag value
   */
  static String channelTag(String channel) {
    return channel.startsWith("job:") ? "job" : channel;
  }
}
