package io.realtime.test.delivery;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.EventBroadcasterBuilder;
import io.realtime.connection.ConnectionRegistryBuilder;
import io.realtime.connection.OutboundLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Checks the delivery guarantees of events end to end, on any {@link
 * io.realtime.transport.Transport}, under faults. A run assembles several server instances with the
 * public builders (a transport from a {@link TransportFactory}, a {@code ConnectionRegistry}, an
 * {@link EventBroadcaster} and the client protocol), publishes events carrying unique ids from
 * every instance, and connects in-process clients to them: normal, slow, stalling and reconnecting
 * ones (see {@link ClientKind}), each following the stream as the Java and JavaScript clients do
 * (watermark, resync on a gap, on a heartbeat ahead and after every reconnect). While it runs it
 * injects {@link Fault}s at times drawn from the seed. It records every publish receipt and every
 * delivery ({@code seq}, {@code epoch}, id, replay), close and notice, waits (with a bound) for the
 * system to settle, and checks the {@link Invariant}s.
 *
 * <pre>{@code
 * DeliveryReport report =
 *     DeliveryChecker.builder(TransportFactory.shared(InMemoryTransport.create()))
 *         .seed(42)
 *         .duration(Duration.ofSeconds(10))
 *         .fault(Faults.instanceRestart(), 2, Duration.ofSeconds(1))
 *         .build()
 *         .run();
 * report.assertClean(); // the message has the seed, the violations and each client's journal
 * }</pre>
 *
 * <p>The schedule (fault times, which instance restarts, client delays) comes from the seed; thread
 * interleavings do not, so a seed reproduces a run's plan, not its every step. Runs are bounded by
 * {@link Builder#duration}, {@link Builder#maxEvents} and {@link Builder#quiescence}.
 */
public final class DeliveryChecker {

  private final Builder settings;

  private DeliveryChecker(Builder settings) {
    this.settings = settings;
  }

  /**
   * Returns a builder.
   *
   * @param transports makes each instance's transport; called again when an instance restarts
   * @return the builder
   */
  public static Builder builder(TransportFactory transports) {
    return new Builder(transports);
  }

  /**
   * Runs the check: publishes for the configured duration while injecting the faults, waits for
   * quiescence, checks, and stops every instance and client.
   *
   * @return the report; {@link DeliveryReport#assertClean()} fails with it
   * @throws IllegalStateException if an instance could not start or a fault could not be injected
   *     or healed (the message has the trace)
   * @throws InterruptedException if interrupted while waiting
   */
  public DeliveryReport run() throws InterruptedException {
    return new CheckerRun(settings.copy()).run();
  }

  /** A fault and how often and how long it is injected. */
  record Injection(Fault fault, int times, Duration hold) {}

  /** Builds a {@link DeliveryChecker}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    final TransportFactory transports;
    long seed = 1;
    int instances = 2;
    Map<ClientKind, Integer> clients = new EnumMap<>(ClientKind.class);
    Duration duration = Duration.ofSeconds(10);
    int publishRate = 100;
    long maxEvents = Long.MAX_VALUE;
    Duration quiescence = Duration.ofSeconds(30);
    Duration pingInterval = Duration.ofSeconds(1);
    String transportChannel = EventBroadcaster.DEFAULT_TRANSPORT_CHANNEL;
    List<Injection> faults = new ArrayList<>();
    Consumer<ConnectionRegistryBuilder> registry =
        builder -> builder.outboundLimits(new OutboundLimits(200, 1 << 20));
    Consumer<EventBroadcasterBuilder> broadcaster =
        builder -> builder.recoveryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));

    private Builder(TransportFactory transports) {
      this.transports = Objects.requireNonNull(transports, "transports");
      for (ClientKind kind : ClientKind.values()) {
        clients.put(kind, 1);
      }
    }

    /**
     * Sets the seed of the run's schedule; 1 by default.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets how many server instances run; 2 by default.
     *
     * @param instances 1 or more
     * @return this builder
     */
    public Builder instances(int instances) {
      if (instances < 1) {
        throw new IllegalArgumentException("instances must be >= 1, got " + instances);
      }
      this.instances = instances;
      return this;
    }

    /**
     * Sets how many clients of a kind start on each instance; 1 of each kind by default.
     *
     * @param kind the kind
     * @param perInstance 0 or more
     * @return this builder
     */
    public Builder clients(ClientKind kind, int perInstance) {
      Objects.requireNonNull(kind, "kind");
      if (perInstance < 0) {
        throw new IllegalArgumentException(
            "clients per instance must be >= 0, got " + perInstance + " for " + kind);
      }
      clients.put(kind, perInstance);
      return this;
    }

    /**
     * Sets how long events are published; 10 s by default. Faults are injected within it.
     *
     * @param duration positive
     * @return this builder
     */
    public Builder duration(Duration duration) {
      this.duration = positive("duration", duration);
      return this;
    }

    /**
     * Sets how many events are published per second, over all instances; 100 by default.
     *
     * @param perSecond 1 or more
     * @return this builder
     */
    public Builder publishRate(int perSecond) {
      if (perSecond < 1) {
        throw new IllegalArgumentException("publishRate must be >= 1, got " + perSecond);
      }
      this.publishRate = perSecond;
      return this;
    }

    /**
     * Stops publishing after this many events, even before the duration ends; unbounded by default.
     *
     * @param maxEvents 1 or more
     * @return this builder
     */
    public Builder maxEvents(long maxEvents) {
      if (maxEvents < 1) {
        throw new IllegalArgumentException("maxEvents must be >= 1, got " + maxEvents);
      }
      this.maxEvents = maxEvents;
      return this;
    }

    /**
     * Sets the most time waited after publishing for every event to arrive and every client to be
     * caught up; 30 s by default. What has not arrived then is checked as it is.
     *
     * @param quiescence positive
     * @return this builder
     */
    public Builder quiescence(Duration quiescence) {
      this.quiescence = positive("quiescence", quiescence);
      return this;
    }

    /**
     * Sets the heartbeat interval of the client protocol (a heartbeat ahead of a client makes it
     * resync); 1 s by default.
     *
     * @param pingInterval positive
     * @return this builder
     */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = positive("pingInterval", pingInterval);
      return this;
    }

    /**
     * Sets the transport's stream channel; {@code security_events} by default. Use a unique name on
     * a backbone other tests share.
     *
     * @param transportChannel the channel
     * @return this builder
     */
    public Builder transportChannel(String transportChannel) {
      if (transportChannel == null || transportChannel.isBlank()) {
        throw new IllegalArgumentException(
            "transportChannel must not be blank, got '" + transportChannel + "'");
      }
      this.transportChannel = transportChannel;
      return this;
    }

    /**
     * Injects a fault {@code times} times, each held for {@code hold} and then healed. Injections
     * of every fault are shuffled with the seed and spread over the middle of the run, one at a
     * time.
     *
     * @param fault the fault
     * @param times 1 or more
     * @param hold how long each injection lasts, positive
     * @return this builder
     */
    public Builder fault(Fault fault, int times, Duration hold) {
      Objects.requireNonNull(fault, "fault");
      if (times < 1) {
        throw new IllegalArgumentException("times must be >= 1, got " + times);
      }
      faults.add(new Injection(fault, times, positive("hold", hold)));
      return this;
    }

    /**
     * Adjusts each instance's registry builder, after the checker's defaults (outbound limits of
     * 200 messages or 1 MiB, so that a stalled client is closed with 1013 within a few seconds).
     *
     * @param registry the adjustment
     * @return this builder
     */
    public Builder registry(Consumer<ConnectionRegistryBuilder> registry) {
      Objects.requireNonNull(registry, "registry");
      this.registry = this.registry.andThen(registry);
      return this;
    }

    /**
     * Adjusts each instance's broadcaster builder, after the checker's defaults (recovery backoff
     * from 100 ms to 1 s), for example its circuit breaker.
     *
     * @param broadcaster the adjustment
     * @return this builder
     */
    public Builder broadcaster(Consumer<EventBroadcasterBuilder> broadcaster) {
      Objects.requireNonNull(broadcaster, "broadcaster");
      this.broadcaster = this.broadcaster.andThen(broadcaster);
      return this;
    }

    /**
     * Gives each instance's broadcaster a breaker of its own with this recovery timeout instead of
     * the default 30 s, so that a run recovers within its bound (the other breaker settings keep
     * the broadcasters' defaults).
     *
     * @param recoveryTimeout positive
     * @return this builder
     */
    public Builder breakerRecoveryTimeout(Duration recoveryTimeout) {
      Duration timeout = positive("breakerRecoveryTimeout", recoveryTimeout);
      return broadcaster(
          builder ->
              builder.circuitBreaker(
                  CircuitBreaker.builder(EventBroadcaster.SERVICE_NAME)
                      .recoveryTimeout(timeout)
                      .build()));
    }

    /**
     * Builds the checker.
     *
     * @return the checker
     * @throws IllegalArgumentException if no client would run
     */
    public DeliveryChecker build() {
      if (clients.values().stream().mapToInt(Integer::intValue).sum() == 0) {
        throw new IllegalArgumentException("at least one client must run, got none: " + clients);
      }
      return new DeliveryChecker(copy());
    }

    Builder copy() {
      Builder copy = new Builder(transports);
      copy.seed = seed;
      copy.instances = instances;
      copy.clients = new EnumMap<>(clients);
      copy.duration = duration;
      copy.publishRate = publishRate;
      copy.maxEvents = maxEvents;
      copy.quiescence = quiescence;
      copy.pingInterval = pingInterval;
      copy.transportChannel = transportChannel;
      copy.faults = List.copyOf(faults);
      copy.registry = registry;
      copy.broadcaster = broadcaster;
      return copy;
    }

    private static Duration positive(String what, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }
  }
}
