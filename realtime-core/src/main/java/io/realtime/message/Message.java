package io.realtime.message;

/**
 * A message sent from the server to a client. Every message has a wire {@link #type()} that decides
 * how it is delivered (see {@code io.realtime.connection.DeliveryPolicy}) and which subscriptions
 * it matches.
 *
 * <p>Implementations are immutable value objects. They are turned into wire text by a {@link
 * MessageCodec}, once per broadcast, however many connections receive it.
 */
public sealed interface Message
    permits Envelope, Ping, Pong, ErrorReply, ResyncAck, SubscriptionAck {

  /**
   * Returns the wire type of this message, for example {@code "event"} or {@code "ping"}.
   *
   * @return the wire type, never blank
   */
  String type();
}
