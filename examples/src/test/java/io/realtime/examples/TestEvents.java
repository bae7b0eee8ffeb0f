package io.realtime.examples;

import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.time.Instant;

/** Security events as the launcher tests publish them: an envelope, or the raw wire text. */
final class TestEvents {

  private TestEvents() {}

  /** A medium-risk event from {@code camera}, its ids all {@code id}, started now. */
  static Envelope event(long id, String camera, String summary) {
    return Envelope.event(
        SecurityEvent.of(
            id, id, "b" + id, camera, 40, RiskLevel.MEDIUM, summary, Instant.now().toString()));
  }

  /**
   * The wire text of an event, as another system publishes it straight to Redis.
   *
   * @param startedAt the start time, or {@code null} for none
   */
  static String rawEvent(
      long id, String camera, int riskScore, String riskLevel, String summary, String startedAt) {
    return "{\"type\":\"event\",\"data\":{\"id\":"
        + id
        + ",\"event_id\":"
        + id
        + ",\"batch_id\":\"b"
        + id
        + "\",\"camera_id\":\""
        + camera
        + "\",\"risk_score\":"
        + riskScore
        + ",\"risk_level\":\""
        + riskLevel
        + "\",\"summary\":\""
        + summary
        + "\",\"started_at\":"
        + (startedAt == null ? "null" : "\"" + startedAt + "\"")
        + "}}";
  }
}
