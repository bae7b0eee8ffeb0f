package io.realtime.observe;

/**
 * Is told what the library does, to count and time it (SPI). Every method has a no-op default, so
 * an implementation overrides only what it needs; {@link #NOOP} observes nothing and is every
 * builder's default.
 *
 * <p>An observer is passed explicitly to the builders of the parts that report: {@code
 * ConnectionRegistry.builder().observer(...)} (connections, deliveries, queue depths, slow
 * consumers), {@code EventBroadcaster.builder(...).observer(...)} (resyncs), the WebSocket
 * endpoints' builder (refused connections) and transport configurations such as {@code
 * RedisTransportConfig} (publish latency). State that can be read at any time (breaker states, the
 * degraded flag, outbox sizes and drops) is not reported here: read it from the objects.
 *
 * <p>Methods are called on the threads doing the work, often under no lock but on hot paths (one
 * call per message per connection): they must be cheap, thread-safe and must not block. The library
 * calls an observer through {@link #guarded}, so an exception (or a linkage error) thrown here is
 * logged and never reaches the caller.
 */
public interface RealtimeObserver {

  /** Observes nothing. */
  RealtimeObserver NOOP = new RealtimeObserver() {};

  /**
   * A connection was registered on a channel.
   *
   * @param channel the registry channel, for example {@code events} or {@code job:42}
   */
  default void connectionOpened(String channel) {}

  /**
   * A registered connection left its channel (closed by either side); called once per {@link
   * #connectionOpened}.
   *
   * @param channel the registry channel
   */
  default void connectionClosed(String channel) {}

  /**
   * A message was written to a connection (its send completed): broadcasts, replies, replays and
   * notices alike.
   *
   * @param channel the connection's channel
   */
  default void messageSent(String channel) {}

  /**
   * A latest-value message replaced the unsent one of its type in a connection's queue: the older
   * one will never be sent.
   *
   * @param channel the connection's channel
   */
  default void messageConflated(String channel) {}

  /**
   * Messages queued to a connection were discarded unsent because it closed: its queue passed the
   * bound (the overflowing message included), it was aborted, its peer went away, or a send failed
   * (the failed message included).
   *
   * @param channel the connection's channel
   * @param count how many, at least 1
   */
  default void messagesDropped(String channel, int count) {}

  /**
   * A sample of a connection's outbound queue, taken after each message queued to it: how many
   * messages wait that count toward its bound.
   *
   * @param channel the connection's channel
   * @param depth the messages waiting
   */
  default void outboundQueueDepth(String channel, int depth) {}

  /**
   * A connection that did not read fast enough was closed with 1013.
   *
   * @param channel the connection's channel
   */
  default void slowConsumerClosed(String channel) {}

  /**
   * A connection was refused before being registered.
   *
   * @param reason why
   */
  default void connectionRefused(RefusalReason reason) {}

  /**
   * A client's resync was answered.
   *
   * @param outcome what its {@code resync_ack} said
   */
  default void resynced(ResyncOutcome outcome) {}

  /**
   * A transport finished publishing a message to its backbone (a stream append or a plain publish),
   * from the call to the completion of the returned stage.
   *
   * @param transport the transport's name, for example {@code redis}
   * @param operation {@code append} (to a stream) or {@code publish}
   * @param nanos how long it took, in nanoseconds
   * @param succeeded whether the stage completed normally
   */
  default void transportPublished(
      String transport, String operation, long nanos, boolean succeeded) {}

  /**
   * Returns an observer that calls {@code observer} and logs, rather than throws, the runtime
   * exceptions and linkage errors it throws. {@link #NOOP} and observers already guarded are
   * returned as they are.
   *
   * @param observer the observer
   * @return the guarded observer
   */
  static RealtimeObserver guarded(RealtimeObserver observer) {
    return GuardedObserver.of(observer);
  }
}
