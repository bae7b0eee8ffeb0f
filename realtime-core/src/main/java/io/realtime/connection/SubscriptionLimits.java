package io.realtime.connection;

/**
 * What one connection may ask of its {@link Subscriptions}: how many patterns it may hold, how many
 * one request may carry and how long each may be. They bound the memory a client can make the
 * server hold and the work a broadcast spends matching; a request past a limit is refused whole
 * with an {@link IllegalArgumentException} that names the limit (the protocol answers it with a
 * {@code validation_error} and keeps the connection).
 *
 * @param maxPatterns the most patterns a connection holds at once, at least 1
 * @param maxPatternsPerRequest the most patterns one subscribe or unsubscribe carries, at least 1
 * @param maxPatternLength the longest pattern, in characters, at least 1
 */
public record SubscriptionLimits(int maxPatterns, int maxPatternsPerRequest, int maxPatternLength) {

  /**
   * The default limits: 64 patterns per connection, 64 per request, 100 characters each.
   *
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static final SubscriptionLimits DEFAULT = new SubscriptionLimits(64, 64, 100);

  /**
   * Returns the default limits: 64 patterns per connection, 64 per request, 100 characters each.
   *
   * @return the defaults
   */
  public static SubscriptionLimits defaults() {
    return DEFAULT;
  }

  /**
   * Validates the components.
   *
   * @param maxPatterns the most patterns a connection holds at once, at least 1
   * @param maxPatternsPerRequest the most patterns one subscribe or unsubscribe carries, at least 1
   * @param maxPatternLength the longest pattern, in characters, at least 1
   */
  public SubscriptionLimits {
    if (maxPatterns < 1) {
      throw new IllegalArgumentException("maxPatterns must be >= 1, got " + maxPatterns);
    }
    if (maxPatternsPerRequest < 1) {
      throw new IllegalArgumentException(
          "maxPatternsPerRequest must be >= 1, got " + maxPatternsPerRequest);
    }
    if (maxPatternLength < 1) {
      throw new IllegalArgumentException("maxPatternLength must be >= 1, got " + maxPatternLength);
    }
  }
}
