package io.realtime.admission;

/**
 * Limits how often a client may open connections (SPI). The WebSocket endpoints ask it before
 * accepting; a refused client is closed with 1008.
 */
@FunctionalInterface
public interface ConnectionRateLimiter {

  /**
   * Counts a connection attempt and tells whether it is allowed.
   *
   * @param clientKey who is connecting, usually the client IP
   * @return {@code true} if the connection may proceed
   */
  boolean tryAcquire(String clientKey);

  /**
   * Returns a limiter that allows everything.
   *
   * @return the limiter
   */
  static ConnectionRateLimiter unlimited() {
    return clientKey -> true;
  }
}
