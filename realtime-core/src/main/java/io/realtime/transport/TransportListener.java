package io.realtime.transport;

/** Receives a subscription's messages and learns when the subscription breaks. */
public interface TransportListener {

  /**
   * Called for each message of the channel, in order.
   *
   * @param message the message
   */
  void onMessage(TransportMessage message);

  /**
   * Called once when the subscription broke (the backbone went away). The subscription is then
   * inactive; subscribe again to resume. The default does nothing.
   *
   * @param cause why it broke
   */
  default void onFailure(Throwable cause) {}
}
