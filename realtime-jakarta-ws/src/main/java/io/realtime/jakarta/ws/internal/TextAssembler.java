package io.realtime.jakarta.ws.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives text messages in parts and hands each whole message on, refusing with 1009 one longer
 * than the limit. It exists for Tomcat, which decodes a whole-message handler's text into a buffer
 * of the session's {@code maxTextMessageBufferSize} characters, allocated at the connection's first
 * message and kept as long as it lives: 147 KB a connection at the default limit, even for clients
 * that only ever send a subscribe. With this handler Tomcat's buffer is only a chunk ({@link
 * #TOMCAT_CHUNK_CHARS}), and a message longer than one chunk is gathered here, as the list of its
 * parts, which exists only while such a message arrives and never holds more than the limit. Tomcat
 * hands a part on when its chunk is full or a frame ends, so a message is refused at most one chunk
 * after it passes the limit.
 *
 * <p>The container calls it for one session at a time, in order; not thread-safe otherwise.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class TextAssembler implements MessageHandler.Partial<String> {

  /** The text buffer Tomcat keeps per connection with this handler: 2 KB of characters. */
  public static final int TOMCAT_CHUNK_CHARS = 1024;

  private static final Logger log = LoggerFactory.getLogger(TextAssembler.class);

  private final Session session;
  private final int maxChars;
  private final Consumer<String> whole;
  private List<String> pending;
  private int pendingChars;
  private boolean refused;

  /**
   * Creates the handler of one session.
   *
   * @param session the session, closed with 1009 when a message passes the limit
   * @param maxChars the longest message accepted, in characters
   * @param whole receives each whole message
   */
  public TextAssembler(Session session, int maxChars, Consumer<String> whole) {
    this.session = session;
    this.maxChars = maxChars;
    this.whole = whole;
  }

  /**
   * Tells whether the session's container keeps a whole-message text buffer per connection (Tomcat)
   * and so should receive text through this handler.
   *
   * @param session the new session
   * @return {@code true} on Tomcat
   */
  public static boolean neededFor(Session session) {
    return session.getClass().getName().startsWith("org.apache.tomcat.");
  }

  @Override
  public void onMessage(String part, boolean last) {
    if (refused) {
      return;
    }
    int length = pendingChars + part.length();
    if (length > maxChars) {
      throw refuse();
    }
    if (pending == null) {
      if (last) {
        whole.accept(part); // one part: the common case, with no copy
        return;
      }
      pending = new ArrayList<>();
    }
    pending.add(part);
    pendingChars = length;
    if (last) {
      // One copy of exactly the message's length: a builder would grow past the limit by doubling.
      String message = String.join("", pending);
      pending = null;
      pendingChars = 0;
      whole.accept(message);
    }
  }

  /**
   * Closes with 1009 and returns what the handler throws next, so that Tomcat ends the connection
   * at once, as it does for a message over its own buffer; after a close from a handler alone it
   * would go on reading and decoding what the client still sends until the client answers the
   * close.
   */
  private MessageTooBigException refuse() {
    refused = true;
    pending = null;
    pendingChars = 0;
    String reason = "Message too big: text messages are limited to " + maxChars + " characters";
    try {
      session.close(new CloseReason(CloseCodes.TOO_BIG, reason));
    } catch (IOException e) {
      log.debug("Closing a session over the message limit failed", e);
    }
    return new MessageTooBigException(reason);
  }

  /** Thrown out of the handler once the session is closed with 1009, to end the connection. */
  static final class MessageTooBigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MessageTooBigException(String message) {
      super(message, null, false, false);
    }
  }
}
