package io.realtime.jakarta.ws.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may connect. A request without {@code Origin} comes from a non-browser
 * client and is accepted: the header exists to stop a page of one site from using a visitor's
 * browser against another (cross-site WebSocket hijacking). A browser request is accepted when its
 * origin is the request's own ({@code Origin} names the {@code Host} it was sent to), when it is
 * listed, or when the list holds {@code *}.
 *
 * <p>This class is internal and is hence not for public use.
 *
 * @param allowed exact origins accepted besides the same origin, such as {@code
 *     https://dashboard.example}; {@code *} accepts every origin
 */
public record OriginPolicy(Set<String> allowed) {

  /** The entry that accepts every origin. */
  public static final String ANY = "*";

  /**
   * Copies the list.
   *
   * @param allowed exact origins accepted besides the same origin; {@code *} accepts all
   */
  public OriginPolicy {
    allowed = Set.copyOf(allowed);
  }

  /**
   * Tells whether a handshake may proceed.
   *
   * @param origin the {@code Origin} header, or {@code null} if absent
   * @param host the {@code Host} header, or {@code null} if absent
   * @return {@code true} if accepted
   */
  public boolean accepts(String origin, String host) {
    if (origin == null || allowed.contains(ANY) || allowed.contains(origin)) {
      return true;
    }
    return host != null && sameOrigin(origin, host);
  }

  /** Compares {@code scheme://host[:port]} with a {@code Host} header, default ports applied. */
  static boolean sameOrigin(String origin, String host) {
    int schemeEnd = origin.indexOf("://");
    if (schemeEnd <= 0) {
      return false;
    }
    String scheme = origin.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    int defaultPort =
        switch (scheme) {
          case "http", "ws" -> 80;
          case "https", "wss" -> 443;
          default -> -1;
        };
    if (defaultPort < 0) {
      return false;
    }
    String originAuthority = origin.substring(schemeEnd + 3);
    if (originAuthority.endsWith("/")) {
      originAuthority = originAuthority.substring(0, originAuthority.length() - 1);
    }
    String[] originParts = hostAndPort(originAuthority, defaultPort);
    String[] hostParts = hostAndPort(host.trim(), defaultPort);
    return originParts != null
        && hostParts != null
        && originParts[0].equalsIgnoreCase(hostParts[0])
        && originParts[1].equals(hostParts[1]);
  }

  /** Splits {@code host[:port]} or {@code [v6][:port]}; {@code null} if malformed. */
  private static String[] hostAndPort(String authority, int defaultPort) {
    if (authority.isEmpty() || authority.contains("/") || authority.contains("@")) {
      return null;
    }
    int portStart;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return null;
      }
      portStart = authority.indexOf(':', close) == close + 1 ? close + 1 : -1;
      if (portStart < 0 && close != authority.length() - 1) {
        return null;
      }
    } else {
      portStart = authority.lastIndexOf(':');
    }
    if (portStart < 0) {
      return new String[] {authority, Integer.toString(defaultPort)};
    }
    String port = authority.substring(portStart + 1);
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return new String[] {
      authority.substring(0, portStart), Integer.toString(Integer.parseInt(port))
    };
  }
}
