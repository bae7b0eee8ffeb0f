package io.realtime.broadcast;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.internal.broadcast.DefaultEventBroadcaster;
import io.realtime.observe.RealtimeObserver;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds an {@link EventBroadcaster}. Every setting but the transport and the registry has a
 * default; setters validate at once and {@link #build()} copies the settings. Not thread-safe.
 */
public final class EventBroadcasterBuilder
    extends ResilientBroadcasterBuilder<EventBroadcasterBuilder> {

  private final Transport transport;
  private final ConnectionRegistry registry;
  private String transportChannel = EventBroadcaster.DEFAULT_TRANSPORT_CHANNEL;
  private String clientChannel = EventBroadcaster.DEFAULT_CLIENT_CHANNEL;
  private int outboxCapacity = 10_000;
  private RealtimeObserver observer = RealtimeObserver.NOOP;

  EventBroadcasterBuilder(Transport transport, ConnectionRegistry registry) {
    super(EventBroadcaster.SERVICE_NAME, Duration.ofSeconds(30));
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

  /**
   * Sets who is told how each client's resync ended; {@link RealtimeObserver#NOOP} by default. It
   * is called through {@link RealtimeObserver#guarded}, so it never throws into the broadcaster.
   * Connections and deliveries are reported by the registry's observer, and the outbox, breaker and
   * degraded state are read from this broadcaster.
   *
   * @param observer the observer
   * @return this builder
   */
  public EventBroadcasterBuilder observer(RealtimeObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    return this;
  }

  /**
   * Builds the broadcaster; call {@link EventBroadcaster#start()} to begin listening.
   *
   * @return the broadcaster
   */
  public EventBroadcaster build() {
    return new DefaultEventBroadcaster(
        new DefaultEventBroadcaster.Settings(
            channelSettings(transport, registry, clientChannel),
            transportChannel,
            outboxCapacity,
            registry.outboundLimits().maxBytes(),
            RealtimeObserver.guarded(observer)));
  }
}
