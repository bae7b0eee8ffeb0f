package io.realtime.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

  /**
   * Returns a stage completing when the backbone confirmed the subscription: every message
   * published on the channel from then on is delivered. It completes exceptionally, with a {@link
   * TransportException}, if the subscription could not be made; the listener is then not told. The
   * default, for a transport that subscribes synchronously, is already complete; a transport that
   * subscribes asynchronously must override it.
   *
   * @return the confirmation
   */
  default CompletionStage<Void> confirmed() {
    return CompletableFuture.completedFuture(null);
  }

  /** Stops delivery. Closing again does nothing. */
  @Override
  void close();
}
