package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * Sent after the messages replayed for a {@code resync} request: {@code
 * {"type":"resync_ack","channel":..,"last_sequence":..,"replayed_count":..}}, plus {@code
 * "gap_too_old":true} and {@code oldest_available} when the history no longer reaches back to the
 * client's position. {@code epoch} names the history replayed from and {@code recovered} tells the
 * client whether it now holds every message since its position (false after a gap that was too old
 * or after the history was reset).
 *
 * @param channel the channel the client resynced
 * @param lastSequence the position the client asked to resume after
 * @param replayedCount how many messages were selected for replay
 * @param gapTooOld {@code true} when messages were lost, else {@code null} (left out of the JSON)
 * @param oldestAvailable the oldest offset still held, set with {@code gapTooOld}
 * @param epoch the id of the history replayed from, or {@code null} if unknown
 * @param recovered whether every message after {@code lastSequence} was replayed, or {@code null}
 *     if unknown
 */
@JsonPropertyOrder({
  "type",
  "channel",
  "last_sequence",
  "replayed_count",
  "gap_too_old",
  "oldest_available",
  "epoch",
  "recovered"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResyncAck(
    String channel,
    long lastSequence,
    int replayedCount,
    Boolean gapTooOld,
    Long oldestAvailable,
    String epoch,
    Boolean recovered)
    implements Message {
  /**
   * Validates the components.
   *
   * @param channel the channel the client resynced
   * @param lastSequence the position the client asked to resume after
   * @param replayedCount how many messages were selected for replay
   * @param gapTooOld {@code true} when messages were lost, else {@code null} (left out of the JSON)
   * @param oldestAvailable the oldest offset still held, set with {@code gapTooOld}
   * @param epoch the id of the history replayed from, or {@code null} if unknown
   * @param recovered whether every message after {@code lastSequence} was replayed, or {@code null}
   *     if unknown
   */
  public ResyncAck {
    Objects.requireNonNull(channel, "channel");
    if (lastSequence < 0) {
      throw new IllegalArgumentException("last_sequence must be >= 0, got " + lastSequence);
    }
    if (replayedCount < 0) {
      throw new IllegalArgumentException("replayed_count must be >= 0, got " + replayedCount);
    }
    if (Boolean.TRUE.equals(gapTooOld) && oldestAvailable == null) {
      throw new IllegalArgumentException("gap_too_old requires oldest_available");
    }
    if (Boolean.FALSE.equals(gapTooOld)) {
      gapTooOld = null;
    }
  }

  @Override
  @JsonProperty("type")
  public String type() {
    return MessageTypes.RESYNC_ACK;
  }
}
