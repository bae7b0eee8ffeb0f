package io.realtime.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.transport.Transport;
import java.util.Optional;

/**
 * Broadcasts security events. It publishes to a stream channel of the transport ({@code
 * security_events} by default), listens to it, stamps each message with its {@code seq} and {@code
 * epoch} and fans it out, encoded once, to the subscribed connections of its registry channel
 * ({@code events} by default). Local delivery is in order, without gaps or duplicates: a gap in
 * what the transport delivers is filled from the stream's history.
 *
 * <p>When the transport fails, its circuit breaker counts the failures and the subscription is
 * retried after 1, 2, 4 and 8 seconds (plus 10 to 30 % jitter, at most 30 s). After 5 failures, or
 * whenever the breaker is open, the broadcaster is <em>degraded</em>: events published here still
 * reach this instance's clients through an in-memory path, and every client gets a {@code
 * service_status} notice. Those events also wait in a bounded outbox (10,000 by default). When a
 * half-open probe succeeds it recovers by itself: it delivers to its clients what other instances
 * published meanwhile, publishes the outbox to the other instances in order (its own clients do not
 * get those events twice), and tells the clients it is healthy again.
 */
public interface EventBroadcaster extends Broadcaster {

  /** The default transport channel. */
  String DEFAULT_TRANSPORT_CHANNEL = "security_events";

  /** The default registry channel, served by {@code /ws/events}. */
  String DEFAULT_CLIENT_CHANNEL = "events";

  /** The service name of the degraded and recovered notices. */
  String SERVICE_NAME = "event_broadcaster";

  /**
   * Returns a builder.
   *
   * @param transport the backbone
   * @param registry the local connections
   * @return the builder
   */
  static EventBroadcasterBuilder builder(Transport transport, ConnectionRegistry registry) {
    return new EventBroadcasterBuilder(transport, registry);
  }

  /**
   * Replays to a connection the messages it missed, then acknowledges. Every message after {@code
   * request.lastSequence()} still in the history and not already queued to this connection is sent
   * again with {@code "replay": true}, then {@code resync_ack}. It adds {@code gap_too_old} and
   * {@code oldest_available} when the offset is older than the history, and {@code recovered:
   * false} when messages were lost or the epoch is not the current one (then everything retained is
   * replayed). Live messages are held while the replay is queued, so there is neither a gap nor a
   * duplicate between replay and live.
   *
   * @param connection the connection that asked
   * @param request the request
   * @return the acknowledgement, already queued to the connection
   */
  ResyncAck resync(RegisteredConnection connection, ResyncRequest request);

  /**
   * Returns how many events, delivered locally while the transport was away, wait to be published
   * to the other instances when it returns.
   *
   * @return the outbox size
   */
  int outboxSize();

  /**
   * Returns how many events the full outbox dropped: they reached this instance's clients but not
   * the other instances.
   *
   * @return the count
   */
  long outboxDropped();

  /**
   * Returns the breaker that guards the transport.
   *
   * @return the breaker
   */
  CircuitBreaker circuitBreaker();

  /**
   * Returns the degraded notice to send to a client that connects while degraded.
   *
   * @return the {@code service_status} notice, or empty when not degraded
   */
  Optional<Envelope> degradedNotice();
}
