package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The server heartbeat {@code {"type":"ping","lastSeq":N}}, where {@code N} is the last stream
 * {@code seq} the connection received (0 before any), so a client can detect a gap even when no
 * message arrives.
 *
 * @param lastSeq the last stream offset delivered to the connection, {@code 0} or more
 */
@JsonPropertyOrder({"type", "lastSeq"})
public record Ping(@JsonProperty("lastSeq") long lastSeq) implements Message {
  /**
   * Validates the components.
   *
   * @param lastSeq the last stream offset delivered to the connection, {@code 0} or more
   */
  public Ping {
    if (lastSeq < 0) {
      throw new IllegalArgumentException("lastSeq must be >= 0, got " + lastSeq);
    }
  }

  @Override
  @JsonProperty("type")
  public String type() {
    return MessageTypes.PING;
  }
}
