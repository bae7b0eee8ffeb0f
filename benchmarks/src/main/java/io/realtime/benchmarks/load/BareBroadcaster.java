package io.realtime.benchmarks.load;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bare loop: a plain Jakarta endpoint that keeps its sessions in a set and broadcasts with a
 * loop of asynchronous sends. No queue bound, no ordering guarantees beyond the container's, no
 * heartbeat, no resync: what the container gives for free.
 */
public final class BareBroadcaster {

  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

  BareBroadcaster() {}

  /** The endpoint instance the container is handed; public because containers insist. */
  public final class BareEndpoint extends Endpoint {
    /** Creates the endpoint of this broadcaster. */
    public BareEndpoint() {}

    /**
     * Keeps the session.
     *
     * @param session the session
     * @param config its configuration
     */
    @Override
    public void onOpen(Session session, EndpointConfig config) {
      sessions.add(session);
    }

    /**
     * Forgets the session.
     *
     * @param session the session
     * @param reason why it closed
     */
    @Override
    public void onClose(Session session, CloseReason reason) {
      sessions.remove(session);
    }

    /**
     * Forgets the session.
     *
     * @param session the session
     * @param error what failed
     */
    @Override
    public void onError(Session session, Throwable error) {
      sessions.remove(session);
    }
  }

  void broadcast(String text) {
    for (Session session : sessions) {
      try {
        session.getAsyncRemote().sendText(text);
      } catch (RuntimeException e) {
        sessions.remove(session);
      }
    }
  }

  int count() {
    return sessions.size();
  }
}
