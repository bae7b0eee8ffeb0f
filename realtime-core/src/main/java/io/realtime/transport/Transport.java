package io.realtime.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
  default CompletionStage<StreamPosition> append(String channel, String payload) {
    return append(channel, payload, null);
  }

  /**
   * Appends a message to a stream channel at most once per message id, keeping the stream as long
   * as it is appended to: {@code append(channel, payload, messageId, null)}.
   *
   * @param channel the channel
   * @param payload the message text
   * @param messageId the message's id, unique per message, or {@code null}
   * @return a stage completing with the message's position once it is stored, or exceptionally with
   *     a {@link TransportException} when the backbone cannot be reached
   * @throws IllegalStateException if the transport is closed
   */
  default CompletionStage<StreamPosition> append(String channel, String payload, String messageId) {
    return append(channel, payload, messageId, null);
  }

  /**
   * Appends a message to a stream channel at most once per message id: appending again with an id
   * already stored (a retry after a timeout whose first attempt ran anyway, an outbox flush of a
   * message that did reach the backbone) stores and delivers nothing new and completes with the
   * position of the first append. The id is remembered for the transport's deduplication window
   * (see the implementation); {@code null} appends without deduplication.
   *
   * <p>With a {@code retention}, the whole stream (history, offsets, epoch) is deleted once that
   * long passes without a newer append; each append sets the stream's retention anew (a job's lines
   * keep it a day, its {@code job_end} an hour). A later append starts a new stream, in a new
   * epoch. {@code null} keeps the stream, with its bounded history, for as long as the backbone
   * keeps data (the events stream).
   *
   * @param channel the channel
   * @param payload the message text
   * @param messageId the message's id, unique per message, or {@code null}
   * @param retention how long the stream lives after this append without a newer one, positive, or
   *     {@code null} for no expiry
   * @return a stage completing with the message's position once it is stored, or exceptionally with
   *     a {@link TransportException} when the backbone cannot be reached
   * @throws IllegalArgumentException if {@code retention} is zero or negative
   * @throws IllegalStateException if the transport is closed
   */
  CompletionStage<StreamPosition> append(
      String channel, String payload, String messageId, Duration retention);

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
   * Subscribes to a channel, returning at once, without waiting for the backbone: the subscription
   * becomes live asynchronously, and {@link TransportSubscription#confirmed()} completes when it
   * is. Messages are delivered to the listener on a thread of the transport, one at a time, in
   * channel order. A listener that throws is logged and keeps its subscription.
   *
   * <p>Only messages published after the confirmation are sure to be delivered: a reader that needs
   * a stream without a hole reads its history ({@link #since}) once the subscription is confirmed.
   * A subscription that cannot be confirmed (the backbone unreachable past the transport's timeout)
   * fails its {@code confirmed()} stage and is inactive; its listener is not told. {@link
   * TransportListener#onFailure} reports a confirmed subscription that broke.
   *
   * <p>Subscribing costs no thread and no connection per channel where the backbone can share them
   * (Redis multiplexes channels over a few connections).
   *
   * @param channel the channel
   * @param listener the listener
   * @return the subscription
   * @throws TransportException if the subscription is refused at once (for example a bound on
   *     channels reached)
   * @throws IllegalStateException if the transport is closed
   */
  TransportSubscription subscribe(String channel, TransportListener listener);

  /**
   * Reads a stream channel's history after an offset. Reading creates nothing: a stream that does
   * not exist (never appended to, or expired) reads as {@link StreamHistory#empty}, with the epoch
   * {@link StreamHistory#NO_EPOCH}, and leaves no key, entry or mark behind.
   *
   * @param channel the channel
   * @param offset the last offset the reader has; {@code 0} for everything retained
   * @return the retained messages with a greater offset, in order, with the channel's epoch
   * @throws TransportException if the backbone cannot be reached
   * @throws IllegalStateException if the transport is closed
   */
  StreamHistory since(String channel, long offset);

  /**
   * Checks cheaply that the backbone answers now, outside any subscription or breaker: Redis sends
   * a PING on a fresh connection. A resilient subscription probes this way while its breaker is
   * open, so it recovers within seconds of the backbone answering again instead of waiting out the
   * whole open window. The default, for a backbone inside the process, always answers.
   *
   * @return a stage completing normally when the backbone answered, exceptionally otherwise
   */
  default CompletionStage<Void> probe() {
    return CompletableFuture.completedFuture(null);
  }

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
