package io.realtime.connection;

import io.realtime.internal.connection.DefaultConnectionRegistry;
import io.realtime.internal.util.Durations;
import io.realtime.message.MessageCodec;
import io.realtime.observe.RealtimeObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Builds a {@link ConnectionRegistry}. Every setting has a default; {@link #build()} copies the
 * settings, so the builder can be reused. Not thread-safe.
 */
public final class ConnectionRegistryBuilder {

  /** The default time a graceful close or shutdown gives connections to flush: 5 seconds. */
  public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(5);

  private MessageCodec codec;
  private DeliveryPolicy deliveryPolicy = DeliveryPolicy.defaults();
  private OutboundLimits outboundLimits = OutboundLimits.defaults();
  private SubscriptionLimits subscriptionLimits = SubscriptionLimits.defaults();
  private Duration flushTimeout = DEFAULT_FLUSH_TIMEOUT;
  private Executor deliveryExecutor;
  private Executor closeExecutor;
  private RealtimeObserver observer = RealtimeObserver.NOOP;

  ConnectionRegistryBuilder() {}

  /**
   * Sets the codec; {@link MessageCodec#json()} by default.
   *
   * @param codec the codec
   * @return this builder
   */
  public ConnectionRegistryBuilder codec(MessageCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
    return this;
  }

  /**
   * Sets the delivery policy; {@link DeliveryPolicy#defaults()} by default.
   *
   * @param deliveryPolicy the policy
   * @return this builder
   */
  public ConnectionRegistryBuilder deliveryPolicy(DeliveryPolicy deliveryPolicy) {
    this.deliveryPolicy = Objects.requireNonNull(deliveryPolicy, "deliveryPolicy");
    return this;
  }

  /**
   * Sets the bound of each connection's outbound queue; {@link OutboundLimits#defaults()} (1,000
   * messages or 1 MiB) by default.
   *
   * @param outboundLimits the limits
   * @return this builder
   */
  public ConnectionRegistryBuilder outboundLimits(OutboundLimits outboundLimits) {
    this.outboundLimits = Objects.requireNonNull(outboundLimits, "outboundLimits");
    return this;
  }

  /**
   * Sets what each connection may ask of its {@link Subscriptions}; {@link
   * SubscriptionLimits#defaults()} (64 patterns, 64 per request, 100 characters each) by default.
   *
   * @param subscriptionLimits the limits
   * @return this builder
   */
  public ConnectionRegistryBuilder subscriptionLimits(SubscriptionLimits subscriptionLimits) {
    this.subscriptionLimits = Objects.requireNonNull(subscriptionLimits, "subscriptionLimits");
    return this;
  }

  /**
   * Sets how long a graceful close waits for the next queued message to be written, and the
   * shutdown for all of them, before closing anyway; 5 seconds by default.
   *
   * @param flushTimeout a positive duration
   * @return this builder
   */
  public ConnectionRegistryBuilder flushTimeout(Duration flushTimeout) {
    this.flushTimeout = Durations.requirePositive("flushTimeout", flushTimeout);
    return this;
  }

  /**
   * Sets the executor that writes the outbound queues. By default the registry owns a pool of
   * daemon threads named {@code realtime-delivery-N}, one per core and at least two, and stops it
   * on shutdown; an executor set here belongs to the caller.
   *
   * @param deliveryExecutor the executor
   * @return this builder
   */
  public ConnectionRegistryBuilder deliveryExecutor(Executor deliveryExecutor) {
    this.deliveryExecutor = Objects.requireNonNull(deliveryExecutor, "deliveryExecutor");
    return this;
  }

  /**
   * Sets the executor that runs {@link Connection#close(CloseReason)}, which may block. By default
   * the registry owns a cached pool of daemon threads named {@code realtime-close-N}.
   *
   * @param closeExecutor the executor
   * @return this builder
   */
  public ConnectionRegistryBuilder closeExecutor(Executor closeExecutor) {
    this.closeExecutor = Objects.requireNonNull(closeExecutor, "closeExecutor");
    return this;
  }

  /**
   * Sets who is told of connections opened and closed, messages sent, conflated and dropped,
   * outbound queue depths and slow-consumer closes; {@link RealtimeObserver#NOOP} by default. It is
   * called through {@link RealtimeObserver#guarded}, so it never throws into the registry.
   *
   * @param observer the observer, for example {@code RealtimeMetrics}' from {@code
   *     realtime-micrometer}
   * @return this builder
   */
  public ConnectionRegistryBuilder observer(RealtimeObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    return this;
  }

  /**
   * Builds the registry.
   *
   * @return a new registry
   */
  public ConnectionRegistry build() {
    return new DefaultConnectionRegistry(
        new DefaultConnectionRegistry.Settings(
            codec == null ? MessageCodec.json() : codec,
            deliveryPolicy,
            outboundLimits,
            subscriptionLimits,
            flushTimeout,
            deliveryExecutor,
            closeExecutor,
            RealtimeObserver.guarded(observer)));
  }
}
