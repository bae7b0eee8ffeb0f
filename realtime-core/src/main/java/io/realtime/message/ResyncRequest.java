package io.realtime.message;

import java.util.Map;
import java.util.Objects;

/**
 * A client's request to replay what it missed: the {@code data} of {@code
 * {"type":"resync","data":{"channel":"events","last_sequence":N,"epoch":E}}}.
 *
 * @param channel the channel to resync, {@code "unknown"} when the client named none (as the
 *     original)
 * @param lastSequence the last offset the client has, {@code 0} for none
 * @param epoch the history the client's offset belongs to, or {@code null} if it did not say
 */
public record ResyncRequest(String channel, long lastSequence, String epoch) {

  /**
   * Validates the request.
   *
   * @param channel the channel to resync
   * @param lastSequence the last offset the client has, {@code 0} or more
   * @param epoch the history the offset belongs to, or {@code null}
   */
  public ResyncRequest {
    Objects.requireNonNull(channel, "channel");
    if (lastSequence < 0) {
      throw new InvalidPayloadException("resync", "last_sequence", lastSequence, "an integer >= 0");
    }
  }

  /**
   * Reads the request from a client message's {@code data}, with the original's defaults: channel
   * {@code "unknown"} and last sequence {@code 0}.
   *
   * @param data the {@code data} object, possibly {@code null}
   * @return the request
   * @throws InvalidPayloadException naming the bad field and value
   */
  public static ResyncRequest fromData(Map<String, ?> data) {
    Map<String, ?> fields = data == null ? Map.of() : data;
    Object channel = fields.get("channel");
    if (channel != null && !(channel instanceof String)) {
      throw new InvalidPayloadException("resync", "channel", channel, "a string");
    }
    Object lastSequence = fields.get("last_sequence");
    long offset = 0;
    if (lastSequence != null) {
      if (!(lastSequence instanceof Integer || lastSequence instanceof Long)
          || ((Number) lastSequence).longValue() < 0) {
        throw new InvalidPayloadException(
            "resync", "last_sequence", lastSequence, "an integer >= 0");
      }
      offset = ((Number) lastSequence).longValue();
    }
    Object epoch = fields.get("epoch");
    if (epoch != null && !(epoch instanceof String)) {
      throw new InvalidPayloadException("resync", "epoch", epoch, "a string or null");
    }
    return new ResyncRequest(
        channel == null ? "unknown" : (String) channel, offset, (String) epoch);
  }
}
