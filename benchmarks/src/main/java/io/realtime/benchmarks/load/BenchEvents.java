package io.realtime.benchmarks.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's security event: the original's fields plus {@code t}, the publish time in
 * microseconds since the epoch, padded so that realtime's frame is about 300 bytes. Every system
 * sends the same data object.
 */
final class BenchEvents {

  /** The size the frames aim at. */
  static final int FRAME_BYTES = 300;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUMMARY_BASE =
      "Person detected near the entrance at an unusual hour ";
  private static final String SUMMARY;

  static {
    // Size the summary against a realtime frame: type, data, seq and epoch around the data.
    String probe = frame(data(1, Long.MAX_VALUE / 2, SUMMARY_BASE));
    int overhead = probe.length() + ",\"seq\":1000000,\"epoch\":\"7f3c9a1e7f3c9a1e\"".length();
    StringBuilder summary = new StringBuilder(SUMMARY_BASE);
    while (overhead + (summary.length() - SUMMARY_BASE.length()) < FRAME_BYTES) {
      summary.append('.');
    }
    SUMMARY = summary.toString();
  }

  private BenchEvents() {}

  /** Now, in microseconds since the epoch. */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** The event's data object, stamped now. */
  static Map<String, Object> data(long id) {
    return data(id, nowMicros(), SUMMARY);
  }

  private static Map<String, Object> data(long id, long micros, String summary) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", id);
    data.put("event_id", id);
    data.put("batch_id", "bench-batch");
    data.put("camera_id", "front_door");
    data.put("risk_score", 75);
    data.put("risk_level", "high");
    data.put("summary", summary);
    data.put("started_at", null);
    data.put("t", micros);
    return data;
  }

  /** A {@code {"type":"event","data":...}} payload, as producers publish it. */
  static Map<String, Object> payload(long id) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "event");
    payload.put("data", data(id));
    return payload;
  }

  /** The frame of the baseline systems (bare and limit): the payload as JSON. */
  static String frame(Map<String, Object> data) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "event");
    payload.put("data", data);
    try {
      return JSON.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads {@code t} out of a received frame without parsing all of it, as cheaply for every system.
   *
   * @return the microseconds, or -1 when the frame has none
   */
  static long publishedMicros(String frame) {
    return number(frame, "t");
  }

  /**
   * Reads the first non-negative integer field {@code key} out of a JSON frame without parsing it.
   *
   * @return the value, or -1 when the frame has no such field
   */
  static long number(String frame, String key) {
    String field = "\"" + key + "\":";
    int at = frame.indexOf(field);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    for (int i = at + field.length(); i < frame.length(); i++) {
      char c = frame.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * Reads the first string field {@code key} (without escapes) out of a JSON frame.
   *
   * @return the value, or null when the frame has no such field
   */
  static String text(String frame, String key) {
    String field = "\"" + key + "\":\"";
    int at = frame.indexOf(field);
    if (at < 0) {
      return null;
    }
    int from = at + field.length();
    int end = frame.indexOf('"', from);
    return end < 0 ? null : frame.substring(from, end);
  }
}
