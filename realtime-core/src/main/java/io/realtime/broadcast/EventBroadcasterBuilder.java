package io.realtime.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.internal.broadcast.DefaultEventBroadcaster;
import io.realtime.internal.broadcast.RecoveryPolicy;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Builds an {@link EventBroadcaster}. Every setting but the transport and the registry has a
 * default; setters validate at once and {@link #build()} copies the settings. Not thread-safe.
 */
public final class EventBroadcasterBuilder {

  private final Transport transport;
  private final ConnectionRegistry registry;
  private String transportChannel = EventBroadcaster.DEFAULT_TRANSPORT_CHANNEL;
  private String clientChannel = EventBroadcaster.DEFAULT_CLIENT_CHANNEL;
  private CircuitBreaker circuitBreaker;
  private TimeSource timeSource = TimeSource.system();
  private TaskScheduler scheduler;
  private int maxRecoveryAttempts = 5;
  private Duration backoffBase = Duration.ofSeconds(1);
  private Duration backoffCap = Duration.ofSeconds(30);
  private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
  private int outboxCapacity = 10_000;

  EventBroadcasterBuilder(Transport transport, ConnectionRegistry registry) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Sets the transport's stream channel; {@code security_events} by default.
   *
   * @param transportChannel the channel
   * @return this builder
   */
  public EventBroadcasterBuilder transportChannel(String transportChannel) {
    this.transportChannel = requireName("transportChannel", transportChannel);
    return this;
  }

  /**
   * Sets the registry channel whose connections receive the events; {@code events} by default.
   *
   * @param clientChannel the channel
   * @return this builder
   */
  public EventBroadcasterBuilder clientChannel(String clientChannel) {
    this.clientChannel = requireName("clientChannel", clientChannel);
    return this;
  }

  /**
   * Sets the breaker guarding the transport. By default: {@code event_broadcaster} with failure
   * threshold 5, recovery timeout 30 s, one half-open call, success threshold 1, reading this
   * builder's time source.
   *
   * @param circuitBreaker the breaker
   * @return this builder
   */
  public EventBroadcasterBuilder circuitBreaker(CircuitBreaker circuitBreaker) {
    this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    return this;
  }

  /**
   * Sets the clocks; the system's by default.
   *
   * @param timeSource the time source
   * @return this builder
   */
  public EventBroadcasterBuilder timeSource(TimeSource timeSource) {
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    return this;
  }

  /**
   * Sets where recovery attempts are scheduled. By default the broadcaster owns a daemon thread and
   * stops it on close.
   *
   * @param scheduler the scheduler
   * @return this builder
   */
  public EventBroadcasterBuilder scheduler(TaskScheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * Sets after how many failed attempts the broadcaster degrades; 5 by default.
   *
   * @param maxRecoveryAttempts at least 1
   * @return this builder
   */
  public EventBroadcasterBuilder maxRecoveryAttempts(int maxRecoveryAttempts) {
    this.maxRecoveryAttempts = maxRecoveryAttempts;
    policy();
    return this;
  }

  /**
   * Sets the recovery backoff: attempt {@code n} waits {@code min(base * 2^(n-1), cap)} plus 10 to
   * 30 % jitter; 1 s and 30 s by default.
   *
   * @param base the first delay, positive
   * @param cap the longest delay, at least {@code base}
   * @return this builder
   */
  public EventBroadcasterBuilder recoveryBackoff(Duration base, Duration cap) {
    this.backoffBase = base;
    this.backoffCap = cap;
    policy();
    return this;
  }

  /**
   * Sets the jitter source; a thread-safe random by default.
   *
   * @param random the source
   * @return this builder
   */
  public EventBroadcasterBuilder random(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * Sets how many events delivered locally while the transport is away wait to be published to the
   * other instances; 10,000 by default, 0 to publish them to local clients only.
   *
   * @param outboxCapacity 0 or more
   * @return this builder
   */
  public EventBroadcasterBuilder outboxCapacity(int outboxCapacity) {
    if (outboxCapacity < 0) {
      throw new IllegalArgumentException("outboxCapacity must be >= 0, got " + outboxCapacity);
    }
    this.outboxCapacity = outboxCapacity;
    return this;
  }

  private RecoveryPolicy policy() {
    return new RecoveryPolicy(maxRecoveryAttempts, backoffBase, backoffCap, random);
  }

  private static String requireName(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
    }
    return value;
  }

  /**
   * Builds the broadcaster; call {@link EventBroadcaster#start()} to begin listening.
   *
   * @return the broadcaster
   */
  public EventBroadcaster build() {
    CircuitBreaker breaker =
        circuitBreaker != null
            ? circuitBreaker
            : CircuitBreaker.builder(EventBroadcaster.SERVICE_NAME)
                .withTimeSource(timeSource)
                .build();
    return new DefaultEventBroadcaster(
        new DefaultEventBroadcaster.Settings(
            transport,
            registry,
            transportChannel,
            clientChannel,
            breaker,
            timeSource,
            scheduler,
            policy(),
            outboxCapacity));
  }
}
