package io.realtime.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.internal.broadcast.ChannelSettings;
import io.realtime.internal.broadcast.RecoveryPolicy;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The settings every broadcaster shares: its circuit breaker, clocks, scheduler and recovery
 * backoff. Not thread-safe.
 *
 * @param <B> the concrete builder
 */
public abstract class ResilientBroadcasterBuilder<B extends ResilientBroadcasterBuilder<B>> {

  private final String breakerName;
  private CircuitBreaker circuitBreaker;
  private TimeSource timeSource = TimeSource.system();
  private TaskScheduler scheduler;
  private int maxRecoveryAttempts = 5;
  private Duration backoffBase = Duration.ofSeconds(1);
  private Duration backoffCap;
  private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();

  ResilientBroadcasterBuilder(String breakerName, Duration backoffCap) {
    this.breakerName = breakerName;
    this.backoffCap = backoffCap;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * Sets the breaker guarding the transport. By default one named after the broadcaster with the
   * broadcasters' defaults (failure threshold 5, recovery timeout 30 s, one half-open call, success
   * threshold 1), reading this builder's time source.
   *
   * @param circuitBreaker the breaker
   * @return this builder
   */
  public B circuitBreaker(CircuitBreaker circuitBreaker) {
    this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    return self();
  }

  /**
   * Sets the clocks; the system's by default.
   *
   * @param timeSource the time source
   * @return this builder
   */
  public B timeSource(TimeSource timeSource) {
    this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
    return self();
  }

  /**
   * Sets where timed work is scheduled. By default the broadcaster owns a daemon thread and stops
   * it on close.
   *
   * @param scheduler the scheduler
   * @return this builder
   */
  public B scheduler(TaskScheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return self();
  }

  /**
   * Sets after how many failed attempts the broadcaster degrades; 5 by default.
   *
   * @param maxRecoveryAttempts at least 1
   * @return this builder
   */
  public B maxRecoveryAttempts(int maxRecoveryAttempts) {
    new RecoveryPolicy(maxRecoveryAttempts, backoffBase, backoffCap, random);
    this.maxRecoveryAttempts = maxRecoveryAttempts;
    return self();
  }

  /**
   * Sets the recovery backoff: attempt {@code n} waits {@code min(base * 2^(n-1), cap)} plus 10 to
   * 30 % jitter; 1 s doubling up to the broadcaster's cap by default.
   *
   * @param base the first delay, positive
   * @param cap the longest delay, at least {@code base}
   * @return this builder
   */
  public B recoveryBackoff(Duration base, Duration cap) {
    new RecoveryPolicy(maxRecoveryAttempts, base, cap, random);
    this.backoffBase = base;
    this.backoffCap = cap;
    return self();
  }

  /**
   * Sets the jitter source; a thread-safe random by default.
   *
   * @param random the source
   * @return this builder
   */
  public B random(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
    return self();
  }

  /** The settings both broadcasters share, from this builder's options. */
  ChannelSettings channelSettings(
      Transport transport, ConnectionRegistry registry, String clientChannel) {
    return new ChannelSettings(
        transport, registry, clientChannel, breaker(), timeSource, scheduler, recoveryPolicy());
  }

  RecoveryPolicy recoveryPolicy() {
    return new RecoveryPolicy(maxRecoveryAttempts, backoffBase, backoffCap, random);
  }

  CircuitBreaker breaker() {
    return circuitBreaker != null
        ? circuitBreaker
        : CircuitBreaker.builder(breakerName).timeSource(timeSource).build();
  }

  static String requireName(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
    }
    return value;
  }
}
