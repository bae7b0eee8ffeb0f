package io.realtime.broadcast;

import io.realtime.transport.StreamPosition;

/**
 * Where a published message went.
 *
 * @param position its stream position, or {@code null} when it was delivered locally only
 * @param localOnly {@code true} when the transport was unavailable, or its first subscription not
 *     yet confirmed, and only this instance's clients got it so far (an outbox, where enabled,
 *     appends it later)
 */
public record PublishReceipt(StreamPosition position, boolean localOnly) {

  /**
   * Validates the receipt.
   *
   * @param position its stream position, or {@code null} when it was delivered locally only
   * @param localOnly {@code true} when only this instance's clients got it
   */
  public PublishReceipt {
    if (localOnly == (position != null)) {
      throw new IllegalArgumentException(
          "a local-only receipt has no position and a transported one has, got position="
              + position
              + " localOnly="
              + localOnly);
    }
  }

  /** The receipt of a message delivered to this instance's clients only. */
  public static final PublishReceipt LOCAL_ONLY = new PublishReceipt(null, true);
}
