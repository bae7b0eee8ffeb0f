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
   * Encodes a message a client sends ({@code subscribe}, {@code unsubscribe}, {@code resync},
   * {@code pong}): {@code {"type":…,"data":…}}, without {@code data} when it is {@code null}.
   * Clients written in Java use it so that no wire JSON is built outside the codec.
   *
   * @param message the message
   * @return its wire text
   * @throws UnsupportedOperationException if this codec writes no client messages (the default)
   * @throws IllegalArgumentException if the message holds a value that cannot be written
   */
  default String encodeClient(ClientMessage message) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not encode client messages");
  }

  /**
   * Makes the wire text of an envelope from the text a publisher encoded for it, without decoding
   * and encoding the whole message: the stream position is spliced into the text. The result means
   * what {@code encode(((Envelope) decode(text)).withPosition(seq, epoch))} means (then {@code
   * asReplay()} when {@code replay}), or {@code decode(text)} encoded again when {@code seq} is
   * {@code null}: the same fields with the same values.
   *
   * <p>A codec splices only text it can check cheaply to be an envelope as it writes them, whose
   * decoding would succeed; for anything else (unreadable or invalid text, another message type, a
   * text that already carries a position, a layout this codec does not write, an invalid position)
   * it returns {@code null}, and the caller decodes and encodes, which reports what is wrong as
   * before. The default never splices.
   *
   * @param text the envelope as its publisher encoded it
   * @param seq the stream offset to add, or {@code null} to add none
   * @param epoch the stream history's id, set exactly when {@code seq} is
   * @param replay whether to mark the message {@code "replay": true}; only with {@code seq}
   * @return the type and the wire text, or {@code null} when the caller must decode and encode
   */
  default SplicedEnvelope splice(String text, Long seq, String epoch, boolean replay) {
    return null;
  }

  /**
   * Returns the JSON codec, the default.
   *
   * @return the codec
   */
  static MessageCodec json() {
    return JsonMessageCodec.create();
  }
}
