package io.realtime.message.payload;

import static io.realtime.fuzz.CallBound.timed;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.realtime.message.Envelope;
import io.realtime.message.InvalidPayloadException;
import io.realtime.message.MessageCodec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuzzes {@link SecurityEvent#fromMap(Map)}: it returns an event or throws the documented {@link
 * InvalidPayloadException} naming a field; an event round-trips through {@link
 * SecurityEvent#toMap()} and, for maps as JSON gives them, through the codec.
 *
 * <p>An input is a JSON object, optionally preceded by one digit that chooses the Java types of its
 * values: {@code 0} (or none) as Jackson reads JSON, {@code 1} big numbers ({@link BigInteger},
 * {@link BigDecimal}), {@code 2} the narrowest boxed types ({@link Byte}, {@link Short}, {@link
 * Float}, ...), {@code 3} integer-looking keys as {@link Integer}s, as Java callers may pass.
 * Seeds: {@code
 * src/test/resources/io/realtime/message/payload/SecurityEventFuzzTestInputs/fromMap/}; see
 * docs/fuzzing.md.
 */
class SecurityEventFuzzTest {

  /** The longest one call may take; generous, for GC pauses on a loaded 2-core machine. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final ObjectMapper BIG_NUMBERS =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .build();
  private static final MessageCodec CODEC = MessageCodec.json();

  /** The fields an error may name besides the input's own keys. */
  private static final Set<String> SCHEMA_FIELDS =
      Set.of(
          "id",
          "event_id",
          "batch_id",
          "camera_id",
          "risk_score",
          "risk_level",
          "summary",
          "started_at");

  static {
    CODEC.encode(Envelope.event(SecurityEvent.of(1, 2, "b", "c", 3, RiskLevel.LOW, "s", null)));
  }

  @FuzzTest(maxDuration = "20s")
  void fromMap(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    int mode = 0;
    if (!text.isEmpty() && text.charAt(0) >= '0' && text.charAt(0) <= '3') {
      mode = text.charAt(0) - '0';
      text = text.substring(1);
    }
    Map<?, ?> map;
    try {
      map = (mode == 1 ? BIG_NUMBERS : JSON).readValue(text, Map.class);
    } catch (JsonProcessingException notAnObject) {
      return;
    }
    if (mode == 2) {
      map = (Map<?, ?>) narrow(map);
    } else if (mode == 3) {
      map = (Map<?, ?>) integerKeys(map);
    }

    Map<?, ?> input = map;
    Object outcome =
        timed(
            "fromMap",
            () -> {
              try {
                return SecurityEvent.fromMap(input);
              } catch (InvalidPayloadException e) {
                return e;
              }
            });
    if (outcome instanceof InvalidPayloadException e) {
      assertThat(e.getMessage()).startsWith("Invalid event message format: field '");
      assertThat(
              SCHEMA_FIELDS.contains(e.field())
                  || "(key)".equals(e.field())
                  || (map == null ? "data".equals(e.field()) : map.containsKey(e.field())))
          .as("field %s of %s", e.field(), e.getMessage())
          .isTrue();
      return;
    }
    SecurityEvent event = (SecurityEvent) outcome;

    assertThat(event.riskScore()).isBetween(0, 100);
    assertThat(event.batchId()).isNotBlank();
    assertThat(event.cameraId()).isNotBlank();
    assertThat(event.extra().keySet()).doesNotContainAnyElementsOf(SCHEMA_FIELDS);
    Map<String, Object> asMap = event.toMap();
    assertThat(SecurityEvent.fromMap(asMap)).as("fromMap(toMap()) of %s", map).isEqualTo(event);
    assertThat(SecurityEvent.fromMap(asMap).toMap()).isEqualTo(asMap);
    if (mode == 0) {
      // As JSON gives it, the event survives the wire.
      String wire = CODEC.encode(Envelope.event(event));
      assertThat(CODEC.decode(wire)).as(wire).isEqualTo(Envelope.event(event));
    }
  }

  /** Integers as the narrowest boxed type that holds them, decimals as floats. */
  private static Object narrow(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, narrow(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(narrow(v)));
      return copy;
    }
    if (value instanceof Integer || value instanceof Long) {
      long n = ((Number) value).longValue();
      if (n == (byte) n) {
        return (byte) n;
      }
      if (n == (short) n) {
        return (short) n;
      }
      return n == (int) n ? (Object) (int) n : (Object) n;
    }
    if (value instanceof Double d) {
      return d.floatValue();
    }
    return value;
  }

  /** Keys that are decimal integers become {@link Integer}s, at every level. */
  private static Object integerKeys(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(integerKey(k), integerKeys(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(v -> copy.add(integerKeys(v)));
      return copy;
    }
    return value;
  }

  private static Object integerKey(Object key) {
    return key instanceof String s && s.matches("-?[0-9]{1,9}") ? (Object) Integer.valueOf(s) : key;
  }
}
