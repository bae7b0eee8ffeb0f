package io.realtime.jakarta.ws.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on concurrent connections, in all and per client address. A connection takes a place when it
 * is admitted and gives it back when it closes; the per-address counts are dropped at zero, so the
 * map holds only addresses with open connections.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class ConnectionCaps {

  /** The close reason when the server holds its maximum of connections. */
  static final String SERVER_FULL = "Server at connection limit";

  /** The close reason when one address holds its maximum of connections. */
  static final String ADDRESS_FULL = "Too many connections from this address";

  private final int maxConnections;
  private final int maxPerAddress;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();

  /**
   * Creates the caps.
   *
   * @param maxConnections the most open connections in all
   * @param maxPerAddress the most open connections from one address
   */
  public ConnectionCaps(int maxConnections, int maxPerAddress) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Takes a place for a new connection.
   *
   * @param address the client's address
   * @return {@code null} when admitted (then {@link #release} must follow), else why not
   */
  String tryAcquire(String address) {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return SERVER_FULL;
    }
    boolean[] admitted = {false};
    perAddress.compute(
        address,
        (key, count) -> {
          int current = count == null ? 0 : count;
          if (current >= maxPerAddress) {
            return count;
          }
          admitted[0] = true;
          return current + 1;
        });
    if (!admitted[0]) {
      open.decrementAndGet();
      return ADDRESS_FULL;
    }
    return null;
  }

  /**
   * Gives back the place of a closed connection.
   *
   * @param address the address it was taken for
   */
  void release(String address) {
    perAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    open.decrementAndGet();
  }

  /**
   * Returns the number of connections holding a place.
   *
   * @return the count
   */
  int open() {
    return open.get();
  }
}
