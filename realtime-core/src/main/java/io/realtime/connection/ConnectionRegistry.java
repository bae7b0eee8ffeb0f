package io.realtime.connection;

import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The connections of one server instance, per channel, and the local fan-out to them.
 *
 * <p>A transport adapter {@link #register registers} each connection when it opens and {@link
 * #unregister unregisters} it when the peer goes away. Broadcasts encode their message once and
 * queue it on every connection of the channel whose subscriptions match; each connection writes its
 * queue on its own, so a slow or dead connection delays nobody else. {@link #shutdown(Duration)}
 * tells every client and closes it with 1001, within a bound.
 *
 * <p>Create one with {@link #builder()}. Implementations are thread-safe.
 */
public interface ConnectionRegistry extends AutoCloseable {

  /**
   * Returns a builder with the defaults.
   *
   * @return the builder
   */
  static ConnectionRegistryBuilder builder() {
    return new ConnectionRegistryBuilder();
  }

  /**
   * Registers an open connection on a channel.
   *
   * @param channel the channel, for example {@code events}, {@code system} or {@code job:42}
   * @param connection the connection
   * @return the managed connection
   * @throws IllegalArgumentException if a connection with the same id is registered
   * @throws IllegalStateException if the registry is shutting down; the caller closes the
   *     connection
   */
  RegisteredConnection register(String channel, Connection connection);

  /**
   * Forgets a connection whose peer went away: its queue is dropped and it is not closed again.
   * Unknown ids are ignored.
   *
   * @param connectionId the connection's id
   */
  void unregister(String connectionId);

  /**
   * Finds a registered connection.
   *
   * @param connectionId the id
   * @return the connection, if registered
   */
  Optional<RegisteredConnection> find(String connectionId);

  /**
   * Encodes a message once and queues it on every connection of the channel that should receive it
   * (see {@link #recipients}).
   *
   * @param channel the channel
   * @param message the message
   * @return how many connections it was queued on
   */
  int broadcast(String channel, Message message);

  /**
   * Queues an already encoded message on every connection of the channel that should receive it.
   *
   * @param channel the channel
   * @param message the message
   * @return how many connections it was queued on
   */
  int broadcast(String channel, EncodedMessage message);

  /**
   * Lists the connections of a channel that a broadcast of {@code type} reaches: those whose
   * subscriptions match it, or all of them for types the delivery policy does not filter. It agrees
   * with {@link #broadcast} by construction.
   *
   * @param channel the channel
   * @param type the message type
   * @return a snapshot of the recipients
   */
  Collection<RegisteredConnection> recipients(String channel, String type);

  /**
   * Returns a snapshot of a channel's connections.
   *
   * @param channel the channel
   * @return the connections, possibly empty
   */
  Collection<RegisteredConnection> connections(String channel);

  /**
   * Returns the channels that have at least one connection.
   *
   * @return a snapshot of the channel names
   */
  Set<String> channels();

  /**
   * Counts all registered connections.
   *
   * @return the count
   */
  int count();

  /**
   * Counts a channel's connections.
   *
   * @param channel the channel
   * @return the count
   */
  int count(String channel);

  /**
   * Returns the codec broadcasts and replies are encoded with.
   *
   * @return the codec
   */
  MessageCodec codec();

  /**
   * Returns the bound of each connection's outbound queue; publishers refuse a message that could
   * never fit it.
   *
   * @return the limits
   */
  OutboundLimits outboundLimits();

  /**
   * Shuts down gracefully: new registrations are refused; every connection receives {@code
   * {"type":"system.shutdown","data":{"reason":"Server shutting down","reconnect":true}}} after
   * what is already queued, then is closed with 1001. Connections that have not finished when
   * {@code timeout} passes are closed at once, so a dead connection cannot stall the shutdown.
   * Calling it again returns the first call's future.
   *
   * @param timeout the most time given to the connections to flush
   * @return a future completing (never exceptionally) when every connection is closed or the
   *     timeout passed
   */
  CompletableFuture<Void> shutdown(Duration timeout);

  /**
   * Tells whether {@link #shutdown} was called: from then on, registrations are refused.
   *
   * @return {@code true} once shutting down or shut down
   */
  boolean isShutdown();

  /** Shuts down with the builder's shutdown timeout and waits for it. */
  @Override
  void close();
}
