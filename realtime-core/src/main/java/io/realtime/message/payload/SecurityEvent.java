package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.realtime.internal.util.ImmutableJson;
import io.realtime.message.InvalidPayloadException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The data of an {@code event} message: a security event created by the AI pipeline.
 *
 * <p>Fields the schema does not name ({@code reasoning}, {@code ended_at}, {@code notify}, ...) are
 * kept in {@link #extra()} and written back at the top level of the event, so nothing a producer
 * sent is lost.
 *
 * @param id the event's row id
 * @param eventId the event id
 * @param batchId the detection batch the event came from
 * @param cameraId the camera
 * @param riskScore the risk score, from 0 to 100
 * @param riskLevel the risk level
 * @param summary the human-readable summary
 * @param startedAt when the event started, as the producer wrote it, or {@code null}
 * @param extra every other field, in the producer's order
 */
@JsonPropertyOrder({
  "id",
  "event_id",
  "batch_id",
  "camera_id",
  "risk_score",
  "risk_level",
  "summary",
  "started_at"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SecurityEvent(
    long id,
    long eventId,
    String batchId,
    String cameraId,
    int riskScore,
    RiskLevel riskLevel,
    String summary,
    String startedAt,
    @JsonAnyGetter Map<String, Object> extra) {

  private static final String KIND = "event";

  /** The fields the schema names: exactly those whose JSON order the class declares. */
  private static final Set<String> SCHEMA_FIELDS =
      Set.of(SecurityEvent.class.getAnnotation(JsonPropertyOrder.class).value());

  /**
   * Validates the components.
   *
   * @param id the event's row id
   * @param eventId the event id
   * @param batchId the detection batch the event came from
   * @param cameraId the camera
   * @param riskScore the risk score, from 0 to 100
   * @param riskLevel the risk level
   * @param summary the human-readable summary
   * @param startedAt when the event started, as the producer wrote it, or {@code null}
   * @param extra every other field, in the producer's order
   */
  public SecurityEvent {
    requireText("batch_id", batchId);
    requireText("camera_id", cameraId);
    if (riskScore < 0 || riskScore > 100) {
      throw new InvalidPayloadException(KIND, "risk_score", riskScore, "an integer from 0 to 100");
    }
    if (riskLevel == null) {
      throw new InvalidPayloadException(
          KIND, "risk_level", null, "one of low, medium, high, critical");
    }
    if (summary == null) {
      throw new InvalidPayloadException(KIND, "summary", null, "a string");
    }
    extra = extra == null ? Map.of() : ImmutableJson.copyOf(extra);
    for (String key : extra.keySet()) {
      if (SCHEMA_FIELDS.contains(key)) {
        throw new IllegalArgumentException(
            "extra must not repeat the schema field '" + key + "'; pass it as a component");
      }
    }
  }

  /**
   * Creates an event without extra fields.
   *
   * @param id the row id
   * @param eventId the event id
   * @param batchId the batch
   * @param cameraId the camera
   * @param riskScore the score, from 0 to 100
   * @param riskLevel the level
   * @param summary the summary
   * @param startedAt the start time, or {@code null}
   * @return the event
   */
  public static SecurityEvent of(
      long id,
      long eventId,
      String batchId,
      String cameraId,
      int riskScore,
      RiskLevel riskLevel,
      String summary,
      String startedAt) {
    return new SecurityEvent(
        id, eventId, batchId, cameraId, riskScore, riskLevel, summary, startedAt, Map.of());
  }

  /**
   * Validates an event published as a JSON object, as the original does: {@code id}, {@code
   * event_id}, {@code batch_id}, {@code camera_id}, {@code risk_score} (an integer from 0 to 100),
   * {@code risk_level} (low, medium, high or critical, in any case) and {@code summary} are
   * required; {@code started_at} may be null or absent. Numbers with a fractional part are not
   * integers, nor are NaN and the infinities; strings are not numbers. Every other field is kept as
   * an extra and must be JSON: finite numbers, objects with string keys.
   *
   * @param data the event object
   * @return the validated event, risk level in lower case
   * @throws InvalidPayloadException naming the first offending field and its value
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SecurityEvent fromMap(Map<?, ?> data) {
    if (data == null) {
      throw new InvalidPayloadException(KIND, "data", null, "a JSON object with the event");
    }
    long id = requireInteger(data, "id", Long.MIN_VALUE, Long.MAX_VALUE);
    long eventId = requireInteger(data, "event_id", Long.MIN_VALUE, Long.MAX_VALUE);
    String batchId = requireText("batch_id", data.get("batch_id"));
    String cameraId = requireText("camera_id", data.get("camera_id"));
    int riskScore = (int) requireInteger(data, "risk_score", 0, 100);
    RiskLevel riskLevel = riskLevel(data.get("risk_level"));
    Object summary = data.get("summary");
    if (!(summary instanceof String summaryText)) {
      throw new InvalidPayloadException(KIND, "summary", summary, "a string");
    }
    Object startedAt = data.get("started_at");
    if (startedAt != null && !(startedAt instanceof String)) {
      throw new InvalidPayloadException(KIND, "started_at", startedAt, "a string or null");
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : data.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new InvalidPayloadException(KIND, "(key)", entry.getKey(), "a string");
      }
      if (!SCHEMA_FIELDS.contains(key)) {
        extra.put(key, jsonValue(key, entry.getValue()));
      }
    }
    return new SecurityEvent(
        id,
        eventId,
        batchId,
        cameraId,
        riskScore,
        riskLevel,
        summaryText,
        (String) startedAt,
        extra);
  }

  private static long requireInteger(Map<?, ?> data, String field, long min, long max) {
    Object value = data.get(field);
    String requirement =
        min == Long.MIN_VALUE ? "an integer" : "an integer from " + min + " to " + max;
    Long integer = asInteger(value);
    if (integer == null || integer < min || integer > max) {
      throw new InvalidPayloadException(KIND, field, value, requirement);
    }
    return integer;
  }

  private static Object jsonValue(String field, Object value) {
    try {
      Object copy = ImmutableJson.copyValue(value);
      if (hasFiniteNumbers(copy)) {
        return copy;
      }
    } catch (IllegalArgumentException notJson) {
      // reported below with the field and value
    }
    throw new InvalidPayloadException(
        KIND, field, value, "JSON (finite numbers, objects with string keys)");
  }

  /** NaN and the infinities have no JSON form: written out they would become strings. */
  private static boolean hasFiniteNumbers(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.values().stream().allMatch(SecurityEvent::hasFiniteNumbers);
    }
    if (value instanceof Collection<?> values) {
      return values.stream().allMatch(SecurityEvent::hasFiniteNumbers);
    }
    return !(value instanceof Double || value instanceof Float)
        || Double.isFinite(((Number) value).doubleValue());
  }

  private static Long asInteger(Object value) {
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? big.longValue() : null;
    }
    if ((value instanceof Double || value instanceof Float)
        && !Double.isFinite(((Number) value).doubleValue())) {
      return null;
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      BigDecimal decimal = new BigDecimal(value.toString());
      try {
        return decimal.longValueExact();
      } catch (ArithmeticException notAnInteger) {
        return null;
      }
    }
    return null;
  }

  private static RiskLevel riskLevel(Object value) {
    if (value instanceof String text) {
      try {
        return RiskLevel.parse(text);
      } catch (IllegalArgumentException e) {
        // reported below with the field and value
      }
    }
    throw new InvalidPayloadException(
        KIND, "risk_level", value, "one of low, medium, high, critical");
  }

  private static String requireText(String field, Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidPayloadException(KIND, field, value, "a non-blank string");
    }
    return text;
  }

  /**
   * Returns the event as the JSON object {@link #fromMap(Map)} reads: the schema fields in their
   * wire order ({@code started_at} even when null, the risk level in lower case), then the extra
   * fields in theirs. {@code fromMap(event.toMap())} equals the event.
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("id", id);
    map.put("event_id", eventId);
    map.put("batch_id", batchId);
    map.put("camera_id", cameraId);
    map.put("risk_score", riskScore);
    map.put("risk_level", riskLevel.wireName());
    map.put("summary", summary);
    map.put("started_at", startedAt);
    map.putAll(extra);
    return Collections.unmodifiableMap(map);
  }

  /**
   * Tells whether this event needs the client's acknowledgement, as the original decides it: a
   * score of 80 or more, or a critical level.
   *
   * @return {@code true} for high-priority events
   */
  public boolean requiresAck() {
    return riskScore >= 80 || riskLevel == RiskLevel.CRITICAL;
  }

  /**
   * Returns a copy with one more extra field.
   *
   * @param name the field name; not a schema field
   * @param value the value
   * @return the copy
   */
  public SecurityEvent withExtra(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(extra);
    copy.put(Objects.requireNonNull(name, "name"), value);
    return new SecurityEvent(
        id, eventId, batchId, cameraId, riskScore, riskLevel, summary, startedAt, copy);
  }
}
