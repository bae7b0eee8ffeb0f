package io.realtime.transport;

import java.util.concurrent.CompletionStage;

/**
 * The pub/sub backbone between server instances (SPI). Two kinds of channel share one API:
 *
 * <ul>
 *   <li><b>Stream</b> channels ({@link #append}): every message gets an offset {@code seq} (1, 2, 3
 *       … without gaps) inside an {@code epoch}, a random id of that channel's history that stays
 *       the same while the history lives. A bounded history (1,000 messages per channel by default)
 *       can be read back with {@link #since}.
 *   <li><b>Plain</b> channels ({@link #publish}): messages are just delivered, without offset.
 * </ul>
 *
 * <p>Subscribers of a channel receive its messages in the order they were appended or published,
 * whatever the number of concurrent publishers. A stream channel may also receive plain messages
 * (for example from a producer outside the library); those arrive without {@code seq}.
 *
 * <p>Implementations are thread-safe. After {@link #close()}, publishing and subscribing fail at
 * once with {@link IllegalStateException}.
 */
public interface Transport extends AutoCloseable {

  /**
   * Appends a message to a stream channel.
   *
   * @param channel the channel
   * @param payload the message text
   * @return a stage completing with the message's position once it is stored, or exceptionally with
   *     a {@link TransportException} when the backbone cannot be reached
   * @throws IllegalStateException if the transport is closed
   */
  CompletionStage<StreamPosition> append(String channel, String payload);

  /**
   * Publishes a message on a plain channel.
   *
   * @param channel the channel
   * @param payload the message text
   * @return a stage completing once the backbone accepted it, or exceptionally with a {@link
   *     TransportException}
   * @throws IllegalStateException if the transport is closed
   */
  CompletionStage<Void> publish(String channel, String payload);

  /**
   * Subscribes to a channel. Messages are delivered to the listener on a thread of the transport,
   * one at a time, in channel order. A listener that throws is logged and keeps its subscription.
   *
   * @param channel the channel
   * @param listener the listener
   * @return the subscription
   * @throws TransportException if the subscription cannot be made now
   * @throws IllegalStateException if the transport is closed
   */
  TransportSubscription subscribe(String channel, TransportListener listener);

  /**
   * Reads a stream channel's history after an offset.
   *
   * @param channel the channel
   * @param offset the last offset the reader has; {@code 0} for everything retained
   * @return the retained messages with a greater offset, in order, with the channel's epoch
   * @throws TransportException if the backbone cannot be reached
   * @throws IllegalStateException if the transport is closed
   */
  StreamHistory since(String channel, long offset);

  /**
   * Returns a short name for logs, for example {@code in-memory} or {@code redis://host:6379}
   * (never with a password).
   *
   * @return the name
   */
  String name();

  /** Closes the transport and its subscriptions. Closing again does nothing. */
  @Override
  void close();
}
