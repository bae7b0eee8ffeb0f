package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.time.TaskScheduler;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to one or more channels that survives the backbone's failures. Failures (a
 * subscription that breaks, a subscribe that throws, publishes that fail) feed the circuit breaker;
 * the subscription is retried with backoff; after the policy's attempts, or whenever the breaker is
 * open, it is <em>degraded</em> and probes again as soon as the breaker lets a half-open call
 * through. A successful probe closes the breaker and leaves degraded mode by itself.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class ResilientSubscription implements AutoCloseable {

  /** What the owner is told; called outside this object's lock. */
  public interface Events {
    /** The subscription is (again) active: time to catch up on what was missed. */
    void onSubscribed();

    /**
     * The subscription entered degraded mode.
     *
     * @param breakerState the breaker's state at that moment
     */
    void onDegraded(CircuitBreaker.State breakerState);

    /** The subscription left degraded mode. */
    void onRecovered();
  }

  private static final Logger log = LoggerFactory.getLogger(ResilientSubscription.class);

  private final Transport transport;
  private final List<String> channels;
  private final String description;
  private final TransportListener downstream;
  private final CircuitBreaker breaker;
  private final RecoveryPolicy policy;
  private final TaskScheduler scheduler;
  private final Events events;

  private List<TransportSubscription> subscriptions;
  private TaskScheduler.Cancellable nextAttempt;
  private int failedAttempts;
  private boolean degraded;
  private boolean closed;

  /**
   * Creates the subscription; {@link #start()} makes the first attempt.
   *
   * @param transport the transport
   * @param channels the channels, subscribed together
   * @param downstream receives the messages of every channel
   * @param breaker the breaker guarding the transport
   * @param policy the retry policy
   * @param scheduler runs the retries
   * @param events told about subscription, degradation and recovery
   */
  public ResilientSubscription(
      Transport transport,
      List<String> channels,
      TransportListener downstream,
      CircuitBreaker breaker,
      RecoveryPolicy policy,
      TaskScheduler scheduler,
      Events events) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.channels = List.copyOf(channels);
    if (this.channels.isEmpty()) {
      throw new IllegalArgumentException("at least one channel is needed");
    }
    this.description = String.join(",", this.channels);
    this.downstream = Objects.requireNonNull(downstream, "downstream");
    this.breaker = Objects.requireNonNull(breaker, "breaker");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.events = Objects.requireNonNull(events, "events");
    breaker.onStateChange(
        (source, from, to) -> {
          if (to == CircuitBreaker.State.OPEN) {
            breakerOpened();
          }
        });
  }

  /** Makes the first subscription attempt. */
  public void start() {
    attempt();
  }

  /**
   * Tells whether the subscription is degraded.
   *
   * @return {@code true} while degraded
   */
  public synchronized boolean isDegraded() {
    return degraded;
  }

  /**
   * Records a success seen elsewhere on the same transport, for example a publish: the breaker
   * counts consecutive failures, so sporadic ones between successes never open it.
   */
  public void recordSuccess() {
    breaker.recordSuccess();
  }

  /**
   * Records a failure seen elsewhere on the same transport, for example a failed publish.
   *
   * @param cause the failure
   */
  public void recordFailure(Throwable cause) {
    log.debug("Transport {} failed on {}", transport.name(), description, cause);
    breaker.recordFailure();
  }

  private void attempt() {
    synchronized (this) {
      if (closed) {
        return;
      }
      nextAttempt = null;
      if (subscriptions != null
          && subscriptions.stream().allMatch(TransportSubscription::isActive)) {
        return;
      }
    }
    if (!breaker.tryAcquirePermission()) {
      degrade();
      scheduleAttempt(probeDelay());
      return;
    }
    List<TransportSubscription> made = new ArrayList<>(channels.size());
    try {
      Listener listener = new Listener();
      for (String channel : channels) {
        made.add(transport.subscribe(channel, listener));
      }
    } catch (RuntimeException e) {
      made.forEach(TransportSubscription::close);
      log.warn("Subscribing to {} on {} failed: {}", description, transport.name(), e.toString());
      breaker.recordFailure();
      failed();
      return;
    }
    breaker.recordSuccess();
    boolean recovered;
    synchronized (this) {
      if (closed) {
        made.forEach(TransportSubscription::close);
        return;
      }
      subscriptions = made;
      failedAttempts = 0;
      recovered = degraded;
      degraded = false;
    }
    log.info("Subscribed to {} on {}", description, transport.name());
    events.onSubscribed();
    if (recovered) {
      log.info("{} left degraded mode", description);
      events.onRecovered();
    }
  }

  /** A failed attempt or a broken subscription: retry with backoff, or degrade. */
  private void failed() {
    int attempts;
    synchronized (this) {
      if (closed) {
        return;
      }
      attempts = ++failedAttempts;
    }
    if (breaker.state() == CircuitBreaker.State.OPEN || attempts >= policy.maxAttempts()) {
      degrade();
      scheduleAttempt(probeDelay());
    } else {
      Duration delay = policy.delay(attempts);
      log.info("Retrying subscription to {} in {} (attempt {})", description, delay, attempts + 1);
      scheduleAttempt(delay);
    }
  }

  /** The breaker opened (for any reason): drop the subscription and wait for a half-open probe. */
  private void breakerOpened() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    dropSubscriptions();
    degrade();
    scheduleAttempt(probeDelay());
  }

  private Duration probeDelay() {
    Duration remaining = breaker.remainingOpenTime();
    return remaining.isZero() ? policy.delay(policy.maxAttempts()) : remaining;
  }

  private void degrade() {
    CircuitBreaker.State state = breaker.state();
    synchronized (this) {
      if (closed || degraded) {
        return;
      }
      degraded = true;
    }
    log.error(
        "DEGRADED MODE: {} on {} is unavailable (breaker {}); local delivery continues and"
            + " recovery is retried automatically",
        description,
        transport.name(),
        state.wireName());
    events.onDegraded(state);
  }

  private void scheduleAttempt(Duration delay) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (nextAttempt != null) {
        nextAttempt.cancel();
      }
      nextAttempt = scheduler.schedule(this::attempt, delay);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (nextAttempt != null) {
        nextAttempt.cancel();
      }
    }
    dropSubscriptions();
  }

  /** Closes every subscription; one that broke takes the others down with it. */
  private void dropSubscriptions() {
    List<TransportSubscription> current;
    synchronized (this) {
      current = subscriptions;
      subscriptions = null;
    }
    if (current != null) {
      current.forEach(TransportSubscription::close);
    }
  }

  private final class Listener implements TransportListener {
    @Override
    public void onMessage(TransportMessage message) {
      downstream.onMessage(message);
    }

    @Override
    public void onFailure(Throwable cause) {
      synchronized (ResilientSubscription.this) {
        if (subscriptions == null) {
          return; // another channel of the same set already reported it
        }
      }
      log.warn(
          "Subscription to {} on {} broke: {}", description, transport.name(), cause.toString());
      dropSubscriptions();
      breaker.recordFailure();
      failed();
    }
  }
}
