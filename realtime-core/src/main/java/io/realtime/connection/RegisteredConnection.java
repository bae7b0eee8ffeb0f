package io.realtime.connection;

import io.realtime.message.Message;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Connection} as the registry manages it: its channel, its subscription filter and its
 * outbound queue. Messages are queued and written one at a time, in order; a slow or dead
 * connection never delays the others.
 */
public interface RegisteredConnection {

  /**
   * Returns the connection's id.
   *
   * @return the id
   */
  String id();

  /**
   * Returns the channel the connection was registered on, for example {@code events}.
   *
   * @return the channel
   */
  String channel();

  /**
   * Returns the underlying connection.
   *
   * @return the adapter
   */
  Connection connection();

  /**
   * Returns the connection's event-type filter, which broadcasts honour.
   *
   * @return the filter
   */
  Subscriptions subscriptions();

  /**
   * Queues a message for this connection only, whatever it subscribed to (a reply such as pong, an
   * error or an acknowledgement).
   *
   * @param message the message
   * @return {@code true} if queued; {@code false} if the connection is closing or closed, or was
   *     just closed because its queue passed its bound
   */
  boolean send(Message message);

  /**
   * Queues an encoded message for this connection only, whatever it subscribed to.
   *
   * @param message the message
   * @return {@code true} if queued; {@code false} as for {@link #send(Message)}
   */
  boolean send(EncodedMessage message);

  /**
   * Queues a burst the server made for this connection only (a job log's backlog, a resync's
   * replay), in order, ahead of anything sent later. A burst is bounded by its source (the stream's
   * retained history), so it never counts as the client being slow: it is written as fast as the
   * client reads (each message once the previous one was written), and only what is sent outside it
   * counts toward the connection's bounds, {@link #pendingMessages()} and {@link #pendingBytes()}.
   * The caller keeps bursts bounded: one per history read, never one per client request without a
   * limit.
   *
   * @param burst the messages, in order
   * @return {@code true} if queued; {@code false} as for {@link #send(Message)}
   */
  boolean sendBurst(List<EncodedMessage> burst);

  /**
   * Returns the {@code seq} of the last stream message written to this connection, {@code 0} before
   * any: the {@code lastSeq} of heartbeats.
   *
   * @return the last offset delivered
   */
  long lastSeq();

  /**
   * Returns the offset of the first message of a stream history that a broadcast queued to this
   * connection: every later message of that epoch was queued too, in order. Resync uses it to
   * replay only what the connection has not been given.
   *
   * @param epoch the stream history's id
   * @return the first offset, or {@code 0} if no broadcast of that epoch reached this connection
   */
  long firstBroadcastSeq(String epoch);

  /**
   * Returns how many messages wait in the outbound queue and count toward its bound: not one being
   * written, nor those of a {@link #sendBurst burst}.
   *
   * @return the queue length
   */
  int pendingMessages();

  /**
   * Returns the UTF-8 size of the messages waiting in the outbound queue that count toward its
   * bound (those of a {@link #sendBurst burst} do not).
   *
   * @return the queued bytes
   */
  long pendingBytes();

  /**
   * Tells whether the connection still accepts messages.
   *
   * @return {@code false} once closing or closed
   */
  boolean isOpen();

  /**
   * Closes gracefully: new messages are refused, what is queued is written, then the connection is
   * closed with {@code reason}. A client that keeps reading gets everything queued, however long it
   * takes (a burst included); once a whole flush timeout of the registry passes without a message
   * written, the rest is dropped and the connection closed anyway. Calling it again returns the
   * same stage.
   *
   * @param reason the close code and reason
   * @return a stage completing when the connection is closed
   */
  CompletionStage<Void> close(CloseReason reason);

  /**
   * Closes now, dropping whatever is queued.
   *
   * @param reason the close code and reason
   */
  void abort(CloseReason reason);

  /**
   * Returns a stage completing when the connection is closed: once {@link Connection#close} has
   * returned, or at once when the peer went away.
   *
   * @return the stage
   */
  CompletionStage<Void> closeFuture();
}
