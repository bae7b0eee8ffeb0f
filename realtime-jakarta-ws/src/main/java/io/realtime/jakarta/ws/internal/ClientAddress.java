package io.realtime.jakarta.ws.internal;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * The client's IP: the socket peer, or the first {@code X-Forwarded-For} entry when the peer is a
 * trusted proxy. The Jakarta API has no standard way to get the peer, so each container's is tried
 * (Jetty and Tomcat publish it as a user property, Tyrus as a method of its session).
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class ClientAddress {

  /** The user property Jetty and Tomcat set to the peer's {@link InetSocketAddress}. */
  static final String REMOTE_ADDRESS_PROPERTY = "jakarta.websocket.endpoint.remoteAddress";

  private ClientAddress() {}

  /**
   * Resolves the client's IP.
   *
   * @param session the session
   * @param forwardedFor the {@code X-Forwarded-For} header values, possibly empty
   * @param trustedProxies the proxies whose {@code X-Forwarded-For} is believed
   * @return the client IP, or {@code unknown}
   */
  public static String resolve(
      Session session, List<String> forwardedFor, Set<String> trustedProxies) {
    String peer = peer(session);
    if (peer != null
        && trustedProxies.contains(peer)
        && forwardedFor != null
        && !forwardedFor.isEmpty()) {
      String first = forwardedFor.get(0).split(",")[0].trim();
      if (!first.isEmpty()) {
        return first;
      }
    }
    return peer == null ? "unknown" : peer;
  }

  static String peer(Session session) {
    Object property = session.getUserProperties().get(REMOTE_ADDRESS_PROPERTY);
    if (property instanceof InetSocketAddress address) {
      return address.getAddress() == null
          ? address.getHostString()
          : address.getAddress().getHostAddress();
    }
    try {
      Method method = session.getClass().getMethod("getRemoteAddr");
      Object value = method.invoke(session);
      return value == null ? null : value.toString();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
