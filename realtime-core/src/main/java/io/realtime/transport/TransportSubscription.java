package io.realtime.transport;

/** A subscription to a channel. */
public interface TransportSubscription extends AutoCloseable {

  /**
   * Returns the channel.
   *
   * @return the channel
   */
  String channel();

  /**
   * Tells whether messages are still delivered.
   *
   * @return {@code false} once closed or broken
   */
  boolean isActive();

  /** Stops delivery. Closing again does nothing. */
  @Override
  void close();
}
