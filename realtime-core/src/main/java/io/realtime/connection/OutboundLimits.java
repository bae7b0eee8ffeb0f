package io.realtime.connection;

/**
 * The bound of each connection's outbound queue: unsent messages and their size in UTF-8 bytes. A
 * queue that passes either limit closes its connection with 1013 {@code slow consumer}.
 *
 * @param maxMessages the most unsent messages, at least 1
 * @param maxBytes the most unsent bytes, at least 1
 */
public record OutboundLimits(int maxMessages, long maxBytes) {

  /**
   * The default bound: 1,000 messages or 1 MiB.
   *
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static final OutboundLimits DEFAULT = new OutboundLimits(1_000, 1024 * 1024);

  /**
   * Returns the default bound: 1,000 messages or 1 MiB.
   *
   * @return the defaults
   */
  public static OutboundLimits defaults() {
    return DEFAULT;
  }

  /**
   * The most bytes a stream position ({@code seq} and {@code epoch}) adds to a message when it is
   * delivered: a published message must fit {@link #maxBytes()} with this much to spare, or no
   * connection could ever receive it.
   */
  public static final int POSITION_ALLOWANCE_BYTES = 128;

  /**
   * Validates the components.
   *
   * @param maxMessages the most unsent messages, at least 1
   * @param maxBytes the most unsent bytes, at least 1
   */
  public OutboundLimits {
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be >= 1, got " + maxMessages);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
    }
  }
}
