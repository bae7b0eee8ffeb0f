package io.realtime.transport;

import java.util.Objects;

/**
 * A message as a transport delivers it.
 *
 * @param channel the channel it came from
 * @param payload the message text
 * @param seq its offset in a stream channel, or {@code null} for a plain message
 * @param epoch the stream history's id, set exactly when {@code seq} is
 */
public record TransportMessage(String channel, String payload, Long seq, String epoch) {

  /**
   * Validates the message.
   *
   * @param channel the channel it came from
   * @param payload the message text
   * @param seq its offset in a stream channel, or {@code null} for a plain message
   * @param epoch the stream history's id, set exactly when {@code seq} is
   */
  public TransportMessage {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(payload, "payload");
    if ((seq == null) != (epoch == null)) {
      throw new IllegalArgumentException(
          "seq and epoch go together, got seq=" + seq + " epoch=" + epoch);
    }
    if (seq != null && seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
  }

  /**
   * Creates a plain message.
   *
   * @param channel the channel
   * @param payload the text
   * @return the message
   */
  public static TransportMessage plain(String channel, String payload) {
    return new TransportMessage(channel, payload, null, null);
  }

  /**
   * Tells whether the message has a stream position.
   *
   * @return {@code true} for stream messages
   */
  public boolean isStream() {
    return seq != null;
  }
}
