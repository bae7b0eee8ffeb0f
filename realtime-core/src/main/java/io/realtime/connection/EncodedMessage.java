package io.realtime.connection;

import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageTypes;
import java.util.Objects;

/**
 * A message already turned into wire text, with what delivery needs to know about it: its type, its
 * stream offset and its size. A broadcast creates one and hands the same instance to every
 * recipient, so the message is encoded once however many connections receive it.
 */
public final class EncodedMessage {

  private final String type;
  private final String text;
  private final Long seq;
  private final String epoch;
  private final int utf8Length;

  private EncodedMessage(String type, String text, Long seq, String epoch) {
    this.type = MessageTypes.requireValid(type);
    this.text = Objects.requireNonNull(text, "text");
    if ((seq == null) != (epoch == null)) {
      throw new IllegalArgumentException(
          "seq and epoch go together, got seq=" + seq + " epoch=" + epoch);
    }
    this.seq = seq;
    this.epoch = epoch;
    this.utf8Length = utf8Length(text);
  }

  /**
   * Encodes a message.
   *
   * @param message the message
   * @param codec the codec
   * @return the encoded message
   */
  public static EncodedMessage encode(Message message, MessageCodec codec) {
    if (message instanceof Envelope envelope) {
      return new EncodedMessage(
          message.type(), codec.encode(message), envelope.seq(), envelope.epoch());
    }
    return new EncodedMessage(message.type(), codec.encode(message), null, null);
  }

  /**
   * Wraps text that is already encoded, for example a message received from a transport and
   * forwarded as is.
   *
   * @param type the message's wire type
   * @param text the wire text
   * @param seq the stream offset, or {@code null}
   * @param epoch the stream history's id, set exactly when {@code seq} is
   * @return the encoded message
   */
  public static EncodedMessage ofText(String type, String text, Long seq, String epoch) {
    return new EncodedMessage(type, text, seq, epoch);
  }

  /**
   * Returns the wire type.
   *
   * @return the type
   */
  public String type() {
    return type;
  }

  /**
   * Returns the wire text.
   *
   * @return the text
   */
  public String text() {
    return text;
  }

  /**
   * Returns the stream offset, or {@code null} outside a stream.
   *
   * @return the offset
   */
  public Long seq() {
    return seq;
  }

  /**
   * Returns the stream history's id, or {@code null} outside a stream.
   *
   * @return the epoch
   */
  public String epoch() {
    return epoch;
  }

  /**
   * Returns the size of the text in UTF-8 bytes, as it goes on the wire.
   *
   * @return the size
   */
  public int utf8Length() {
    return utf8Length;
  }

  @Override
  public String toString() {
    return "EncodedMessage[type=" + type + ", seq=" + seq + ", bytes=" + utf8Length + "]";
  }

  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
