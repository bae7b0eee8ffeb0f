package io.realtime.jakarta.ws.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The proxies whose {@code X-Forwarded-For} is believed: IP addresses ({@code 10.0.0.1}, {@code
 * ::1}) and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}), compared as addresses, not as text,
 * so {@code ::1} matches a peer the container reports as {@code 0:0:0:0:0:0:0:1}. Host names are
 * refused: resolving them would make every handshake depend on DNS.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class TrustedProxies {

  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /**
   * Parses the configured proxies.
   *
   * @param entries IP addresses or CIDR blocks
   * @return the proxies
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static TrustedProxies of(Collection<String> entries) {
    Objects.requireNonNull(entries, "trustedProxies");
    if (entries.isEmpty()) {
      return NONE;
    }
    List<Block> blocks = new ArrayList<>(entries.size());
    for (String entry : entries) {
      blocks.add(Block.parse(entry));
    }
    return new TrustedProxies(blocks);
  }

  /**
   * Tells whether an address is one of the proxies.
   *
   * @param address an IP literal, as a container reports a peer or a proxy forwards it
   * @return {@code true} if it is a trusted proxy
   */
  public boolean contains(String address) {
    if (blocks.isEmpty()) {
      return false;
    }
    byte[] bytes = IpLiterals.parse(address);
    if (bytes == null) {
      return false;
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** One address ({@code prefix} = all bits) or CIDR block. */
  private record Block(byte[] network, int prefix) {

    static Block parse(String entry) {
      if (entry == null) {
        throw new IllegalArgumentException("trustedProxies must not contain null");
      }
      String text = entry.trim();
      int slash = text.indexOf('/');
      byte[] address = IpLiterals.parse(slash < 0 ? text : text.substring(0, slash));
      if (address == null) {
        throw invalid(entry);
      }
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String length = text.substring(slash + 1);
        if (length.isEmpty()
            || length.length() > 3
            || !length.chars().allMatch(Character::isDigit)) {
          throw invalid(entry);
        }
        prefix = Integer.parseInt(length);
        if (prefix > bits) {
          throw invalid(entry);
        }
      }
      return new Block(address, prefix);
    }

    private static IllegalArgumentException invalid(String entry) {
      return new IllegalArgumentException(
          "trustedProxies entry '"
              + entry
              + "' is not an IP address or CIDR block (for example 10.0.0.1, 10.0.0.0/8, ::1,"
              + " fd00::/8); host names are not resolved");
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  /** IP literals parsed without DNS. */
  static final class IpLiterals {

    private IpLiterals() {}

    /**
     * Returns the address's bytes (4 for IPv4 and IPv4-mapped IPv6, 16 for IPv6), or {@code null}
     * if the text is not an IP literal. Only digits, dots, hex digits and colons reach {@link
     * InetAddress#getByName}, which therefore never resolves a name.
     */
    static byte[] parse(String text) {
      if (text == null || text.isEmpty() || text.length() > 45) {
        return null;
      }
      boolean ipv6 = text.indexOf(':') >= 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        boolean allowed =
            ipv6
                ? (c < 128 && Character.digit(c, 16) >= 0) || c == ':' || c == '.'
                : (c >= '0' && c <= '9') || c == '.';
        if (!allowed) {
          return null;
        }
      }
      if (!ipv6 && text.chars().filter(c -> c == '.').count() != 3) {
        return null; // getByName would read "10.1" as 10.0.0.1
      }
      try {
        return InetAddress.getByName(text).getAddress();
      } catch (UnknownHostException e) {
        return null;
      }
    }
  }
}
