package io.realtime.transport;

import java.util.List;
import java.util.Objects;

/**
 * A read of a stream channel's history.
 *
 * @param channel the channel
 * @param epoch the id of the channel's history
 * @param oldest the oldest offset still retained, {@code 0} when nothing is retained
 * @param latest the newest offset assigned, {@code 0} before the first message
 * @param messages the retained messages after the requested offset, in order
 */
public record StreamHistory(
    String channel, String epoch, long oldest, long latest, List<TransportMessage> messages) {

  /**
   * Validates the history and copies the messages.
   *
   * @param channel the channel
   * @param epoch the id of the channel's history
   * @param oldest the oldest offset still retained, {@code 0} when nothing is retained
   * @param latest the newest offset assigned, {@code 0} before the first message
   * @param messages the retained messages after the requested offset, in order
   */
  public StreamHistory {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(epoch, "epoch");
    if (oldest < 0 || latest < 0 || oldest > latest) {
      throw new IllegalArgumentException(
          "need 0 <= oldest <= latest, got oldest=" + oldest + " latest=" + latest);
    }
    messages = List.copyOf(messages);
  }

  /**
   * The epoch of a stream that does not exist: never appended to, or expired. Any epoch a reader
   * meets later follows it without loss, since nothing was there.
   */
  public static final String NO_EPOCH = "";

  /**
   * The history of a stream that does not exist: {@link #NO_EPOCH}, no offsets, no messages.
   *
   * @param channel the channel
   * @return the empty history
   */
  public static StreamHistory empty(String channel) {
    return new StreamHistory(channel, NO_EPOCH, 0, 0, List.of());
  }

  /**
   * Tells whether the stream exists: it was appended to and has not expired.
   *
   * @return {@code false} for {@link #empty}
   */
  public boolean exists() {
    return !NO_EPOCH.equals(epoch);
  }

  /**
   * Tells whether a reader whose last offset is {@code offset} lost messages: the next one it
   * needs, {@code offset + 1}, is no longer retained. A reader at 0 with the history starting at 1
   * has lost nothing. (The original reported a gap whenever {@code offset < oldest}, also when
   * nothing was missing; see docs/migration.md.)
   *
   * @param offset the reader's last offset, {@code 0} for none
   * @return {@code true} if {@code offset + 1} is older than the oldest retained message
   */
  public boolean isTooOld(long offset) {
    return oldest > 0 && offset + 1 < oldest;
  }
}
