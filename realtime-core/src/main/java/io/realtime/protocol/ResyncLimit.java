package io.realtime.protocol;

import io.realtime.internal.util.Durations;
import java.time.Duration;

/**
 * How many {@code resync} requests one connection may make per window. A replay reads the stream's
 * history from the transport, so without a bound one client could make Redis send its history over
 * and over; past the limit the client gets a {@code validation_error} and should try again later.
 *
 * @param maxRequests the most resyncs per window, at least 1
 * @param window the sliding window, positive
 */
public record ResyncLimit(int maxRequests, Duration window) {

  /**
   * The default: 5 resyncs per 10 seconds.
   *
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static final ResyncLimit DEFAULT = new ResyncLimit(5, Duration.ofSeconds(10));

  /**
   * Returns the default: 5 resyncs per 10 seconds.
   *
   * @return the defaults
   */
  public static ResyncLimit defaults() {
    return DEFAULT;
  }

  /**
   * Validates the components.
   *
   * @param maxRequests the most resyncs per window, at least 1
   * @param window the sliding window, positive
   */
  public ResyncLimit {
    if (maxRequests < 1) {
      throw new IllegalArgumentException("maxRequests must be >= 1, got " + maxRequests);
    }
    Durations.requirePositive("window", window);
  }
}
