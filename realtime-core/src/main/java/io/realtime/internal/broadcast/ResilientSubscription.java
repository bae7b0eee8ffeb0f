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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription to one or more channels that survives the backbone's failures. Failures (a
 * subscription that breaks, a subscribe that throws, publishes that fail) feed the circuit breaker;
 * the subscription is retried with backoff; after the policy's attempts, or whenever the breaker is
 * open, it is <em>degraded</em>. While the breaker is open it checks the backbone's liveness
 * cheaply ({@link Transport#probe()}, outside the breaker) every first backoff step; a probe that
 * answers moves the breaker to half-open at once, so the subscription is retried within seconds of
 * the backbone coming back rather than after the breaker's whole open window, which stays the upper
 * bound. The half-open subscribe is the first trial call; while the breaker is still half-open
 * after it (a success threshold above one), further trials (liveness checks through the breaker)
 * follow until it closes. Degraded mode ends, and the recovery is announced, only once the
 * subscription is active and the breaker closed.
 *
 * <p>A subscription counts as made only once every channel's {@link
 * TransportSubscription#confirmed()} completed; one that fails counts as a failed subscribe. The
 * confirmation is not waited for: what follows it runs on the scheduler (at once when the transport
 * confirmed synchronously), never on the thread that confirmed. Closing while confirmations are
 * pending closes those subscriptions, and a confirmation that comes later is ignored.
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

  /** Subscriptions made, waiting for their confirmations; replaced or dropped, never both set. */
  private List<TransportSubscription> pending;

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
   * Tells whether every channel is subscribed now.
   *
   * @return {@code true} while the subscription is active
   */
  public synchronized boolean isActive() {
    return subscriptions != null
        && subscriptions.stream().allMatch(TransportSubscription::isActive);
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
    boolean active;
    synchronized (this) {
      if (closed || pending != null) {
        return; // closed, or an attempt waits for its confirmations
      }
      nextAttempt = null;
      active = isActive();
    }
    if (active) {
      // Subscribed, but the breaker may not be closed yet (a success threshold above one, or a
      // failure elsewhere while subscribing): the half-open trial must still be made, or nothing
      // else ever closes it and every publish stays local.
      if (breaker.state() == CircuitBreaker.State.CLOSED) {
        settle();
      } else {
        trial();
      }
      return;
    }
    if (!breaker.tryAcquirePermission()) {
      degrade();
      scheduleProbe();
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
      subscribeFailed(e);
      return;
    }
    CompletableFuture<Void> confirmed;
    try {
      confirmed =
          CompletableFuture.allOf(
              made.stream()
                  .map(s -> s.confirmed().toCompletableFuture())
                  .toArray(CompletableFuture[]::new));
    } catch (RuntimeException e) {
      confirmed = CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      if (closed) {
        made.forEach(TransportSubscription::close);
        return;
      }
      pending = made;
    }
    if (confirmed.isDone()) {
      confirmed(made, failure(confirmed));
      return;
    }
    // Later, on whatever thread the transport confirms on: the rest (a catch-up that reads the
    // history) goes to the scheduler, so that thread never waits on it.
    confirmed.whenComplete(
        (ignored, error) -> {
          try {
            scheduler.schedule(() -> confirmed(made, error), Duration.ZERO);
          } catch (RuntimeException e) {
            // The scheduler stopped: the owner is closing, and these subscriptions go with it.
            log.debug("Confirmation of {} came after the scheduler stopped: {}", description, e);
            dropSubscriptions();
            made.forEach(TransportSubscription::close);
          }
        });
  }

  private static Throwable failure(CompletableFuture<Void> done) {
    try {
      done.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  private void subscribeFailed(Throwable cause) {
    log.warn("Subscribing to {} on {} failed: {}", description, transport.name(), cause.toString());
    breaker.recordFailure();
    failed();
  }

  /** Every channel's confirmation came, or one failed ({@code error}). */
  private void confirmed(List<TransportSubscription> made, Throwable error) {
    synchronized (this) {
      if (closed || pending != made) {
        // Closed, or dropped (the breaker opened) while waiting: those subscriptions are gone.
        made.forEach(TransportSubscription::close);
        return;
      }
      pending = null;
    }
    if (error != null) {
      made.forEach(TransportSubscription::close);
      subscribeFailed(
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error);
      return;
    }
    breaker.recordSuccess();
    synchronized (this) {
      if (closed) {
        made.forEach(TransportSubscription::close);
        return;
      }
      subscriptions = made;
      failedAttempts = 0;
    }
    if (breaker.state() == CircuitBreaker.State.OPEN) {
      // A failure elsewhere (an append sent before the outage timing out) reopened the breaker
      // while this subscribe was in progress; its listener found nothing to drop yet.
      log.info("Breaker of {} reopened while subscribing: waiting for the next probe", description);
      dropSubscriptions();
      degrade();
      scheduleProbe();
      return;
    }
    log.info("Subscribed to {} on {}", description, transport.name());
    events.onSubscribed();
    if (breaker.state() == CircuitBreaker.State.CLOSED) {
      settle();
    } else {
      schedule(this::attempt, Duration.ZERO);
    }
  }

  /**
   * A half-open trial call while subscribed: a liveness check through the breaker, whose outcome
   * counts towards closing (or reopening) it. Repeated until the breaker closes.
   */
  private void trial() {
    if (!breaker.tryAcquirePermission()) {
      scheduleProbe();
      return;
    }
    probeTransport()
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                log.warn("Half-open trial of {} failed: {}", description, error.toString());
                breaker.recordFailure(); // reopens it: the subscription is dropped and probed again
                if (breaker.state() != CircuitBreaker.State.OPEN) {
                  // a success elsewhere closed it meanwhile: nothing reopens it, so look again
                  schedule(this::attempt, policy.delay(1));
                }
                return;
              }
              breaker.recordSuccess();
              schedule(this::attempt, Duration.ZERO);
            });
  }

  /**
   * Leaves degraded mode once subscribed with the breaker closed: only then is the recovery
   * announced, so clients are never told "healthy" while publishes still stay local.
   */
  private void settle() {
    boolean recovered;
    synchronized (this) {
      if (closed || breaker.state() != CircuitBreaker.State.CLOSED || !isActive()) {
        return;
      }
      recovered = degraded;
      degraded = false;
    }
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
      scheduleProbe();
    } else {
      Duration delay = policy.delay(attempts);
      log.info("Retrying subscription to {} in {} (attempt {})", description, delay, attempts + 1);
      schedule(this::attempt, delay);
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
    scheduleProbe();
  }

  /**
   * While the breaker is open, checks liveness again after the first backoff step; once the open
   * window ends sooner than that, makes the half-open attempt when it ends. A breaker no longer
   * open (its window passed, or someone else half-opened it) gets the attempt after the last
   * backoff step.
   */
  private void scheduleProbe() {
    Duration interval = policy.delay(1);
    Duration remaining = breaker.remainingOpenTime();
    if (breaker.state() == CircuitBreaker.State.OPEN && remaining.compareTo(interval) > 0) {
      schedule(this::probe, interval);
    } else if (!remaining.isZero()) {
      schedule(this::attempt, remaining);
    } else {
      schedule(this::attempt, policy.delay(policy.maxAttempts()));
    }
  }

  /** A cheap liveness check outside the breaker: if the backbone answers, half-open and retry. */
  private void probe() {
    synchronized (this) {
      if (closed) {
        return;
      }
      nextAttempt = null;
    }
    if (breaker.state() != CircuitBreaker.State.OPEN) {
      attempt();
      return;
    }
    probeTransport()
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                log.debug("Liveness probe of {} failed: {}", transport.name(), error.toString());
                scheduleProbe();
                return;
              }
              log.info(
                  "{} answers again: trying {} now rather than when the breaker's window ends",
                  transport.name(),
                  description);
              breaker.probeSucceeded();
              // The attempt runs on the scheduler, not on whatever thread completed the probe.
              schedule(this::attempt, Duration.ZERO);
            });
  }

  /** The transport's liveness check, a throw turned into a failed stage. */
  private CompletionStage<Void> probeTransport() {
    try {
      return transport.probe();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
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

  /** Schedules the next attempt or probe, replacing one already scheduled. */
  private void schedule(Runnable task, Duration delay) {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (nextAttempt != null) {
        nextAttempt.cancel();
      }
      nextAttempt = scheduler.schedule(task, delay);
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

  /**
   * Closes every subscription, those still waiting for confirmation too; one that broke takes the
   * others down with it.
   */
  private void dropSubscriptions() {
    List<TransportSubscription> current;
    List<TransportSubscription> unconfirmed;
    synchronized (this) {
      current = subscriptions;
      subscriptions = null;
      unconfirmed = pending;
      pending = null;
    }
    if (current != null) {
      current.forEach(TransportSubscription::close);
    }
    if (unconfirmed != null) {
      unconfirmed.forEach(TransportSubscription::close);
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
        if (subscriptions == null && pending == null) {
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
