package io.realtime.jakarta.ws.internal;

import io.realtime.connection.CloseReason;
import io.realtime.connection.Connection;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jakarta WebSocket {@link Session} as a {@link Connection}: sends go through the asynchronous
 * remote with a completion handler (the engine never overlaps them).
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class SessionConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(SessionConnection.class);

  private final String id;
  private final Session session;
  private final Map<String, Object> attributes = new ConcurrentHashMap<>();

  /**
   * Wraps a session.
   *
   * @param id the connection id
   * @param session the session
   */
  public SessionConnection(String id, Session session) {
    this.id = id;
    this.session = session;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Map<String, Object> attributes() {
    return attributes;
  }

  @Override
  public CompletionStage<Void> sendText(String text) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    try {
      session
          .getAsyncRemote()
          .sendText(
              text,
              result -> {
                if (result.isOK()) {
                  sent.complete(null);
                } else {
                  sent.completeExceptionally(result.getException());
                }
              });
    } catch (RuntimeException e) {
      sent.completeExceptionally(e);
    }
    return sent;
  }

  @Override
  public void close(CloseReason reason) {
    if (!session.isOpen()) {
      return;
    }
    try {
      session.close(
          new jakarta.websocket.CloseReason(
              CloseCodes.getCloseCode(reason.code()), reason.reason()));
    } catch (IOException | RuntimeException e) {
      log.debug("Closing session {} failed", id, e);
    }
  }
}
