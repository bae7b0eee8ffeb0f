package io.realtime.connection;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One client connection, as a transport adapter (Jakarta WebSocket, a test double, ...) exposes it
 * to the engine. The engine never sends two texts at once on the same connection: it waits for the
 * returned stage to complete before the next {@link #sendText(String)}, because containers such as
 * Tomcat fail when two asynchronous sends overlap.
 *
 * <p>Implementations hand the work to the container and return at once: {@link #sendText(String)}
 * must not block. {@link #close(CloseReason)} may block; the engine calls it on a thread of its
 * own, never on a thread that publishes.
 */
public interface Connection {

  /**
   * Returns the connection's id, unique among the registry's connections, for example {@code
   * ws-events-1a2b3c4d}.
   *
   * @return the id
   */
  String id();

  /**
   * Returns mutable, thread-safe per-connection attributes (client address, principal, ...).
   *
   * @return the attributes
   */
  Map<String, Object> attributes();

  /**
   * Sends a text frame asynchronously.
   *
   * @param text the frame's text
   * @return a stage that completes when the frame was written, or exceptionally when it could not
   *     be
   */
  CompletionStage<Void> sendText(String text);

  /**
   * Closes the connection with a close code and reason. Calling it on a closed connection does
   * nothing.
   *
   * @param reason the close code and reason
   */
  void close(CloseReason reason);
}
