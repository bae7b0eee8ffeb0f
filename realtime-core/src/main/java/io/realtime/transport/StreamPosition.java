package io.realtime.transport;

import java.util.Objects;

/**
 * Where a message sits in a stream channel.
 *
 * @param seq the offset, from 1
 * @param epoch the id of the channel's history
 */
public record StreamPosition(long seq, String epoch) {

  /**
   * Validates the position.
   *
   * @param seq the offset, from 1
   * @param epoch the id of the channel's history
   */
  public StreamPosition {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    Objects.requireNonNull(epoch, "epoch");
  }
}
