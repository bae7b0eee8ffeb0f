package io.realtime.message;

import io.realtime.message.payload.SecurityEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/** Validation of producer payloads: the rules behind {@link Envelope#fromPayload(Map)}. */
final class PublishedPayloads {

  private static final Set<String> ENVELOPE_FIELDS = Set.of("type", "data", "timestamp");
  private static final Set<String> STREAM_FIELDS = Set.of("seq", "epoch", "replay");

  private PublishedPayloads() {}

  static Envelope toEnvelope(Map<String, ?> payload) {
    if (payload == null) {
      throw new InvalidPayloadException("published", "payload", null, "a JSON object");
    }
    if (!payload.containsKey("type")) {
      return Envelope.event(SecurityEvent.fromMap(payload));
    }
    String type = requireType(payload.get("type"));
    for (String key : payload.keySet()) {
      if (STREAM_FIELDS.contains(key)) {
        throw new InvalidPayloadException(
            type, key, payload.get(key), "absent: stream positions are assigned by the stream");
      }
      if (!ENVELOPE_FIELDS.contains(key)) {
        throw new InvalidPayloadException(
            type, key, payload.get(key), "absent: an envelope holds only type, data and timestamp");
      }
    }
    Object data = payload.get("data");
    Instant timestamp = timestamp(type, payload.get("timestamp"));
    if (MessageTypes.EVENT.equals(type)) {
      if (!(data instanceof Map<?, ?> eventData)) {
        throw new InvalidPayloadException(type, "data", data, "a JSON object with the event");
      }
      return Envelope.event(SecurityEvent.fromMap(eventData)).withTimestamp(timestamp);
    }
    if (data != null && !(data instanceof Map)) {
      throw new InvalidPayloadException(type, "data", data, "a JSON object or null");
    }
    return Envelope.of(type, data).withTimestamp(timestamp);
  }

  private static String requireType(Object type) {
    if (!(type instanceof String text)
        || text.isBlank()
        || text.length() > MessageTypes.MAX_TYPE_LENGTH) {
      throw new InvalidPayloadException(
          "published",
          "type",
          type,
          "a non-blank string of at most " + MessageTypes.MAX_TYPE_LENGTH + " characters");
    }
    return text;
  }

  private static Instant timestamp(String type, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Instant instant) {
      return instant;
    }
    if (value instanceof String text) {
      try {
        return Timestamps.parse(text);
      } catch (DateTimeParseException e) {
        // reported below, with the field and value
      }
    }
    throw new InvalidPayloadException(type, "timestamp", value, "an ISO-8601 timestamp");
  }
}
