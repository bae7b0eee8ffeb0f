package io.realtime.jakarta.ws;

import io.realtime.protocol.ClientProtocol;
import jakarta.websocket.Session;

/**
 * How large a message the container reads before it closes the connection with 1009 (<i>message too
 * big</i>), so that a client cannot make the server buffer more than this per connection.
 *
 * <p>The container's limit sits above the protocol's ({@link
 * RealtimeWebSocket.Builder#maxMessageChars}, 65,536 characters by default) with one eighth of
 * slack: a message a little over the protocol's limit still reaches the protocol, which answers a
 * {@code validation_error} and keeps the connection; only a message over the container's limit
 * costs the client its connection. By default:
 *
 * <ul>
 *   <li>{@link #textChars()}: 73,728 characters;
 *   <li>{@link #textBytes()}: 221,184 bytes, three UTF-8 bytes for each character, so that a
 *       message within {@link #textChars()} is never refused for its encoding;
 *   <li>{@link #binaryBytes()}: 1,024 bytes, since the protocol is text only (a small binary
 *       message gets an error reply, a larger one a 1009).
 * </ul>
 *
 * <p>{@link RealtimeWebSocket} applies these to every session ({@link #applyTo(Session)}). What
 * each container does with them differs, and Tyrus needs a guard installed by the host to refuse a
 * frame at its header; see {@code docs/operations.md}, <i>Message size per container</i>, and
 * {@link io.realtime.jakarta.ws.tyrus.TyrusFrameGuard}.
 *
 * <p>Immutable and thread-safe.
 */
public final class MessageLimits {

  /** The smallest {@link #textChars()}: the protocol's smallest message limit. */
  public static final int MIN_TEXT_CHARS = 1024;

  /** The largest {@link #textChars()}: 4 Mi characters, 12 MiB of UTF-8. */
  public static final int MAX_TEXT_CHARS = 4 * 1024 * 1024;

  /** The smallest {@link #binaryBytes()}: a control frame's largest payload. */
  public static final int MIN_BINARY_BYTES = 125;

  /** The largest {@link #binaryBytes()}: 16 MiB. */
  public static final int MAX_BINARY_BYTES = 16 * 1024 * 1024;

  /** The default {@link #binaryBytes()}: the protocol is text only. */
  public static final int DEFAULT_BINARY_BYTES = 1024;

  /** The most bytes UTF-8 spends on one UTF-16 character. */
  private static final int UTF8_BYTES_PER_CHAR = 3;

  /**
   * The limits for the protocol's default limit of 65,536 characters.
   *
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static final MessageLimits DEFAULT =
      forMaxMessageChars(ClientProtocol.DEFAULT_MAX_MESSAGE_CHARS);

  /**
   * Returns the limits for the protocol's default limit of 65,536 characters.
   *
   * @return the defaults
   */
  public static MessageLimits defaults() {
    return DEFAULT;
  }

  private final int textChars;
  private final int binaryBytes;

  private MessageLimits(int textChars, int binaryBytes) {
    this.textChars = textChars;
    this.binaryBytes = binaryBytes;
  }

  /**
   * Returns the limits for a protocol that accepts messages of up to {@code maxMessageChars}
   * characters: that plus one eighth of slack, and {@link #DEFAULT_BINARY_BYTES}.
   *
   * @param maxMessageChars the protocol's limit, from 1,024 to 1,048,576 as {@link
   *     RealtimeWebSocket.Builder#maxMessageChars} accepts
   * @return the limits
   * @throws IllegalArgumentException naming the value if it is out of range
   */
  public static MessageLimits forMaxMessageChars(int maxMessageChars) {
    if (maxMessageChars < 1024 || maxMessageChars > 1024 * 1024) {
      throw new IllegalArgumentException(
          "maxMessageChars must be from 1024 to 1048576, got " + maxMessageChars);
    }
    return new MessageLimits(maxMessageChars + maxMessageChars / 8, DEFAULT_BINARY_BYTES);
  }

  /**
   * Returns explicit limits.
   *
   * @param textChars the longest text message, in characters, from {@value #MIN_TEXT_CHARS} to
   *     {@value #MAX_TEXT_CHARS}
   * @param binaryBytes the longest binary message, in bytes, from {@value #MIN_BINARY_BYTES} to
   *     {@value #MAX_BINARY_BYTES}
   * @return the limits
   * @throws IllegalArgumentException naming the value that is out of range
   */
  public static MessageLimits of(int textChars, int binaryBytes) {
    if (textChars < MIN_TEXT_CHARS || textChars > MAX_TEXT_CHARS) {
      throw new IllegalArgumentException(
          "textChars must be from "
              + MIN_TEXT_CHARS
              + " to "
              + MAX_TEXT_CHARS
              + ", got "
              + textChars);
    }
    if (binaryBytes < MIN_BINARY_BYTES || binaryBytes > MAX_BINARY_BYTES) {
      throw new IllegalArgumentException(
          "binaryBytes must be from "
              + MIN_BINARY_BYTES
              + " to "
              + MAX_BINARY_BYTES
              + ", got "
              + binaryBytes);
    }
    return new MessageLimits(textChars, binaryBytes);
  }

  /**
   * Returns the longest text message, in characters: what Tomcat and Tyrus count.
   *
   * @return the limit in UTF-16 characters
   */
  public int textChars() {
    return textChars;
  }

  /**
   * Returns the longest text message, in bytes of UTF-8: what Jetty and the Tyrus guard count;
   * three times {@link #textChars()}.
   *
   * @return the limit in bytes
   */
  public int textBytes() {
    return textChars * UTF8_BYTES_PER_CHAR;
  }

  /**
   * Returns the longest binary message, in bytes.
   *
   * @return the limit in bytes
   */
  public int binaryBytes() {
    return binaryBytes;
  }

  /**
   * Sets the session's message buffers: the text buffer to {@link #textBytes()} on Jetty, which
   * counts it in bytes, and to {@link #textChars()} elsewhere (Tomcat and Tyrus count characters);
   * the binary buffer to {@link #binaryBytes()}. Call it in {@code onOpen}, before any message
   * arrives; {@link RealtimeWebSocket}'s endpoints do. On Tomcat, which keeps a text buffer of that
   * size for each connection from its first message, the endpoints then shrink it to a small chunk
   * and gather longer messages themselves, up to {@link #textChars()}; an endpoint of the host's
   * own with a whole-message handler keeps what this sets.
   *
   * @param session the new session
   */
  public void applyTo(Session session) {
    session.setMaxTextMessageBufferSize(countsBytes(session) ? textBytes() : textChars);
    session.setMaxBinaryMessageBufferSize(binaryBytes);
  }

  /** Jetty's session checks the text buffer against payload bytes; the others against chars. */
  private static boolean countsBytes(Session session) {
    return session.getClass().getName().startsWith("org.eclipse.jetty.");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageLimits other
        && textChars == other.textChars
        && binaryBytes == other.binaryBytes;
  }

  @Override
  public int hashCode() {
    return 31 * textChars + binaryBytes;
  }

  @Override
  public String toString() {
    return "MessageLimits[textChars="
        + textChars
        + ", textBytes="
        + textBytes()
        + ", binaryBytes="
        + binaryBytes
        + "]";
  }
}
