package io.realtime.message.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.realtime.message.InvalidPayloadException;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityEventTest {

  private static Map<String, Object> valid() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", 1);
    data.put("event_id", 2L);
    data.put("batch_id", "b");
    data.put("camera_id", "c");
    data.put("risk_score", 85.0);
    data.put("risk_level", " High ");
    data.put("summary", "s");
    data.put("reasoning", "r");
    return data;
  }

  /** Found by SecurityEventFuzzTest: new BigDecimal("Infinity") threw NumberFormatException. */
  @Test
  void nonFiniteNumbersAreNotIntegersAndNameTheField() {
    for (Object value :
        List.of(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, Float.NaN, 1e300)) {
      for (String field : List.of("id", "event_id", "risk_score")) {
        Map<String, Object> data = valid();
        data.put(field, value);

        assertThatThrownBy(() -> SecurityEvent.fromMap(data))
            .as("%s = %s", field, value)
            .isInstanceOfSatisfying(
                InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo(field));
      }
    }
  }

  /**
   * Found by SecurityEventFuzzTest: a nested map with an Integer key threw a bare
   * IllegalArgumentException naming no field, and an infinite extra went out as "Infinity".
   */
  @Test
  void anExtraValueThatIsNotJsonIsInvalidNamingItsField() {
    Map<String, Object> data = valid();
    data.put("zones", Map.of("front", List.of(Map.of(1, "door"))));

    assertThatThrownBy(() -> SecurityEvent.fromMap(data))
        .isInstanceOfSatisfying(
            InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("zones"))
        .hasMessageContaining("string keys");

    Map<String, Object> nan = valid();
    nan.put("ratios", List.of(0.5, Double.NaN));
    assertThatThrownBy(() -> SecurityEvent.fromMap(nan))
        .isInstanceOfSatisfying(
            InvalidPayloadException.class, e -> assertThat(e.field()).isEqualTo("ratios"))
        .hasMessageContaining("finite numbers");
  }

  @Test
  void toMapIsWhatFromMapReads() {
    Map<String, Object> data = valid();
    data.put("score", new BigDecimal("0.5"));
    SecurityEvent event = SecurityEvent.fromMap(data);

    assertThat(event.toMap())
        .containsExactly(
            entry("id", 1L),
            entry("event_id", 2L),
            entry("batch_id", "b"),
            entry("camera_id", "c"),
            entry("risk_score", 85),
            entry("risk_level", "high"),
            entry("summary", "s"),
            entry("started_at", null),
            entry("reasoning", "r"),
            entry("score", new BigDecimal("0.5")));
    assertThat(SecurityEvent.fromMap(event.toMap())).isEqualTo(event);
  }
}
