package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.internal.util.OwnedScheduler;
import io.realtime.message.Envelope;
import io.realtime.time.TaskScheduler;
import io.realtime.transport.TransportListener;
import java.util.List;
import java.util.Optional;

/**
 * The resilient channel both broadcasters stand on: the scheduler (the host's or an owned thread),
 * the subscription to the transport's channels behind the breaker with its backoff and degraded
 * mode, and the notices that tell the broadcaster's clients when it degrades and recovers. A
 * broadcaster keeps only what differs: what it publishes, and what it does when the subscription is
 * made again ({@link Hooks}).
 */
final class ResilientChannel implements AutoCloseable {

  /**
   * The {@code service_status} notices of one broadcaster.
   *
   * @param service the service named in them
   * @param degradedMessage the message when it degrades
   * @param recoveredMessage the message when it recovers
   */
  record Notices(String service, String degradedMessage, String recoveredMessage) {}

  /** What a broadcaster adds to the channel's own reactions; nothing by default. */
  interface Hooks {

    /** Adds nothing. */
    Hooks NONE = new Hooks() {};

    /** The subscription is (again) active: time to catch up on what was missed. */
    default void onSubscribed() {}

    /** Degraded mode ended, after the clients were told. */
    default void onRecovered() {}
  }

  private final ChannelSettings settings;
  private final Notices notices;
  private final Hooks hooks;
  private final OwnedScheduler<TaskScheduler> scheduler;
  private final ResilientSubscription subscription;

  /**
   * Creates the channel; {@link #start()} subscribes.
   *
   * @param settings the shared settings
   * @param transportChannels the transport channels to follow
   * @param onMessage who gets their messages
   * @param notices the broadcaster's notices
   * @param hooks the broadcaster's additions
   */
  ResilientChannel(
      ChannelSettings settings,
      List<String> transportChannels,
      TransportListener onMessage,
      Notices notices,
      Hooks hooks) {
    this.settings = settings;
    this.notices = notices;
    this.hooks = hooks;
    this.scheduler =
        new OwnedScheduler<>(
            settings.scheduler(), "realtime-" + notices.service(), TaskScheduler::of);
    this.subscription =
        new ResilientSubscription(
            settings.transport(),
            transportChannels,
            onMessage,
            settings.breaker(),
            settings.recovery(),
            scheduler.scheduler(),
            new Events());
  }

  TaskScheduler scheduler() {
    return scheduler.scheduler();
  }

  void start() {
    subscription.start();
  }

  boolean isDegraded() {
    return subscription.isDegraded();
  }

  boolean isActive() {
    return subscription.isActive();
  }

  void recordSuccess() {
    subscription.recordSuccess();
  }

  void recordFailure(Throwable error) {
    subscription.recordFailure(error);
  }

  /** The notice a client connecting now gets, while the channel is degraded. */
  Optional<Envelope> degradedNotice() {
    return isDegraded()
        ? Optional.of(notice("degraded", notices.degradedMessage(), settings.breaker().state()))
        : Optional.empty();
  }

  private Envelope notice(String status, String message, CircuitBreaker.State state) {
    return Payloads.notice(notices.service(), status, message, state);
  }

  /** Unsubscribes and stops the owned scheduler's thread, if any. */
  @Override
  public void close() {
    subscription.close();
    scheduler.close();
  }

  private final class Events implements ResilientSubscription.Events {
    @Override
    public void onSubscribed() {
      hooks.onSubscribed();
    }

    @Override
    public void onDegraded(CircuitBreaker.State breakerState) {
      settings
          .registry()
          .broadcast(
              settings.clientChannel(),
              notice("degraded", notices.degradedMessage(), breakerState));
    }

    @Override
    public void onRecovered() {
      settings
          .registry()
          .broadcast(
              settings.clientChannel(),
              notice("healthy", notices.recoveredMessage(), settings.breaker().state()));
      hooks.onRecovered();
    }
  }
}
