package io.realtime.message;

/**
 * Turns messages into wire text and back. A broadcast encodes its message once, whatever the number
 * of recipients. Implementations are thread-safe.
 */
public interface MessageCodec {

  /**
   * Encodes a message.
   *
   * @param message the message
   * @return its wire text
   * @throws IllegalArgumentException if the message holds a value that cannot be written
   */
  String encode(Message message);

  /**
   * Decodes wire text into a message. Known payload types ({@code event}, {@code system_status},
   * ...) decode into their typed records; others into maps.
   *
   * @param text the wire text
   * @return the message
   * @throws MessageFormatException carrying the error code a client should get
   */
  Message decode(String text);

  /**
   * Decodes a message from a client.
   *
   * @param text the frame's text
   * @return the message
   * @throws MessageFormatException with {@code invalid_json} or {@code invalid_message_format}
   */
  ClientMessage decodeClient(String text);

  /**
   * Returns the JSON codec, the default.
   *
   * @return the codec
   */
  static MessageCodec json() {
    return JsonMessageCodec.create();
  }
}
