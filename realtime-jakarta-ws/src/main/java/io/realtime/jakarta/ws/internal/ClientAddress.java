package io.realtime.jakarta.ws.internal;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's IP: the socket peer, or, when the peer is a trusted proxy, the address its {@code
 * X-Forwarded-For} names. Each proxy appends the address it received the request from, so the list
 * is read from the right: trusted proxies are skipped, and the first address that is not one is the
 * client. Entries further left were written by the client itself and are never believed, so a
 * client can neither change its identity nor pass for somebody else. A malformed entry stops the
 * walk at the proxy that handed it over. The Jakarta API has no standard way to get the peer, so
 * each container's is tried (Jetty and Tomcat publish it as a user property, Tyrus as a method of
 * its session).
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class ClientAddress {

  /** The user property Jetty and Tomcat set to the peer's {@link InetSocketAddress}. */
  static final String REMOTE_ADDRESS_PROPERTY = "jakarta.websocket.endpoint.remoteAddress";

  /** The most hops read from the right: proxies chains are short, headers need not be. */
  private static final int MAX_HOPS = 16;

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
      Session session, List<String> forwardedFor, TrustedProxies trustedProxies) {
    String peer = peer(session);
    if (peer == null) {
      return "unknown";
    }
    if (!trustedProxies.contains(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
      return peer;
    }
    List<String> hops = new ArrayList<>();
    for (String line : forwardedFor) {
      for (String hop : line.split(",", -1)) {
        if (!hop.isBlank()) {
          hops.add(hop.trim());
        }
      }
    }
    String handedOverBy = peer;
    for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
      String address = ipLiteral(hops.get(i));
      if (address == null) {
        return handedOverBy;
      }
      if (!trustedProxies.contains(address)) {
        return address;
      }
      handedOverBy = address;
    }
    return handedOverBy;
  }

  /**
   * Returns the key the per-address limits count a client under: the IPv4 address, or the /64
   * network of an IPv6 address. One IPv6 subscriber holds a whole /64 and may pick any address in
   * it, so counting addresses would let one client pass for millions.
   *
   * @param client the client IP, as {@link #resolve} returns it
   * @return the key, for example {@code 192.0.2.7} or {@code 2001:db8:1:2::/64}
   */
  public static String limitKey(String client) {
    byte[] bytes = TrustedProxies.IpLiterals.parse(client);
    if (bytes == null) {
      return client;
    }
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    StringBuilder network = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      network
          .append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
          .append(':');
    }
    return network.append(":/64").toString();
  }

  /**
   * Returns the IP of a forwarded entry ({@code 192.0.2.7}, {@code 192.0.2.7:5100}, {@code
   * 2001:db8::1}, {@code [2001:db8::1]:5100}) without its port, or {@code null} if it is none.
   */
  static String ipLiteral(String entry) {
    if (entry.length() > 64) {
      return null;
    }
    if (entry.startsWith("[")) {
      int close = entry.indexOf(']');
      return close > 0 && isIpv6(entry.substring(1, close)) ? entry.substring(1, close) : null;
    }
    int colon = entry.indexOf(':');
    if (colon > 0 && colon == entry.lastIndexOf(':')) {
      String host = entry.substring(0, colon);
      return isIpv4(host) && isPort(entry.substring(colon + 1)) ? host : null;
    }
    if (isIpv4(entry) || isIpv6(entry)) {
      return entry;
    }
    return null;
  }

  private static boolean isIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !digits(part) || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6(String text) {
    if (text.length() < 2 || text.indexOf(':') < 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean hex = Character.digit(c, 16) >= 0 && c < 128;
      if (!hex && c != ':' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isPort(String text) {
    return !text.isEmpty() && text.length() <= 5 && digits(text);
  }

  private static boolean digits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
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
