package io.realtime.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation of published payloads, as the original's §1.9. */
class EnvelopeFromPayloadTest {

  private static Map<String, Object> validEvent() {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", 123);
    event.put("event_id", 123);
    event.put("batch_id", "abc123def456");
    event.put("camera_id", "front_door");
    event.put("risk_score", 75);
    event.put("risk_level", "high");
    event.put("summary", "Person detected near entrance");
    event.put("started_at", "2024-01-15T10:30:00.000000");
    return event;
  }

  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> event = validEvent();
    event.put(field, value);
    return event;
  }

  private static Map<String, Object> without(String field) {
    Map<String, Object> event = validEvent();
    event.remove(field);
    return event;
  }

  @Test
  void payloadWithoutTypeIsWrappedAsAnEvent() {
    Envelope envelope = Envelope.fromPayload(validEvent());

    assertThat(envelope.type()).isEqualTo("event");
    SecurityEvent event = envelope.dataAs(SecurityEvent.class);
    assertThat(event.id()).isEqualTo(123);
    assertThat(event.cameraId()).isEqualTo("front_door");
    assertThat(envelope.seq()).isNull();
  }

  @Test
  void envelopeWithTypeIsValidatedAndKeepsItsTimestamp() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", "event");
    payload.put("data", validEvent());
    payload.put("timestamp", "2024-01-15T10:30:00+00:00");

    Envelope envelope = Envelope.fromPayload(payload);

    assertThat(envelope.dataAs(SecurityEvent.class).riskScore()).isEqualTo(75);
    assertThat(envelope.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HIGH", "High", "high", " hIgH "})
  void riskLevelIsAcceptedInAnyCaseAndEmittedLowerCase(String level) {
    Envelope envelope = Envelope.fromPayload(with("risk_level", level));

    assertThat(envelope.dataAs(SecurityEvent.class).riskLevel()).isEqualTo(RiskLevel.HIGH);
    assertThat(MessageCodec.json().encode(envelope)).contains("\"risk_level\":\"high\"");
  }

  @Test
  void startedAtMayBeNullOrAbsent() {
    assertThat(
            Envelope.fromPayload(with("started_at", null)).dataAs(SecurityEvent.class).startedAt())
        .isNull();
    assertThat(Envelope.fromPayload(without("started_at")).dataAs(SecurityEvent.class).startedAt())
        .isNull();
    assertThat(MessageCodec.json().encode(Envelope.fromPayload(without("started_at"))))
        .contains("\"started_at\":null");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 99, 100})
  void riskScoreBoundsAreInclusive(int score) {
    assertThat(
            Envelope.fromPayload(with("risk_score", score)).dataAs(SecurityEvent.class).riskScore())
        .isEqualTo(score);
  }

  @Test
  void integralFloatingPointNumbersAreIntegers() {
    assertThat(
            Envelope.fromPayload(with("risk_score", 75.0)).dataAs(SecurityEvent.class).riskScore())
        .isEqualTo(75);
  }

  @Test
  void fieldsTheSchemaDoesNotNameAreKept() {
    Map<String, Object> event = validEvent();
    event.put("reasoning", "Unknown person at 2am");
    event.put("notify", false);
    event.put("ended_at", "2024-01-15T10:31:30.000000");

    Envelope envelope = Envelope.fromPayload(event);

    assertThat(envelope.dataAs(SecurityEvent.class).extra())
        .containsExactly(
            Map.entry("reasoning", "Unknown person at 2am"),
            Map.entry("notify", false),
            Map.entry("ended_at", "2024-01-15T10:31:30.000000"));
    assertThat(MessageCodec.json().encode(envelope))
        .contains("\"reasoning\":\"Unknown person at 2am\",\"notify\":false");
  }

  static Stream<Arguments> invalidEvents() {
    return Stream.of(
        Arguments.of(without("id"), "id", null),
        Arguments.of(with("id", "123"), "id", "123"),
        Arguments.of(with("id", 1.5), "id", 1.5),
        Arguments.of(without("event_id"), "event_id", null),
        Arguments.of(with("event_id", true), "event_id", true),
        Arguments.of(without("batch_id"), "batch_id", null),
        Arguments.of(with("batch_id", 42), "batch_id", 42),
        Arguments.of(with("camera_id", " "), "camera_id", " "),
        Arguments.of(without("camera_id"), "camera_id", null),
        Arguments.of(with("risk_score", 101), "risk_score", 101),
        Arguments.of(with("risk_score", -1), "risk_score", -1),
        Arguments.of(with("risk_score", 75.5), "risk_score", 75.5),
        Arguments.of(with("risk_score", "75"), "risk_score", "75"),
        Arguments.of(without("risk_score"), "risk_score", null),
        Arguments.of(with("risk_level", "severe"), "risk_level", "severe"),
        Arguments.of(with("risk_level", 3), "risk_level", 3),
        Arguments.of(without("risk_level"), "risk_level", null),
        Arguments.of(without("summary"), "summary", null),
        Arguments.of(with("summary", List.of("a")), "summary", List.of("a")),
        Arguments.of(with("started_at", 1700000000), "started_at", 1700000000));
  }

  @ParameterizedTest(name = "{1} = {2}")
  @MethodSource("invalidEvents")
  void invalidEventNamesTheFieldAndTheValue(Map<String, Object> event, String field, Object value) {
    assertThatThrownBy(() -> Envelope.fromPayload(event))
        .isInstanceOfSatisfying(
            InvalidPayloadException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.value()).isEqualTo(value);
              assertThat(e.getMessage())
                  .startsWith("Invalid event message format: field '" + field + "'")
                  .contains(
                      value instanceof String text ? "\"" + text + "\"" : String.valueOf(value));
            });
  }

  @Test
  void eventEnvelopeNeedsObjectData() {
    assertThatThrownBy(() -> Envelope.fromPayload(Map.of("type", "event", "data", "hello")))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'data'")
        .hasMessageContaining("\"hello\"");
  }

  @Test
  void streamPositionsCannotBePublished() {
    assertThatThrownBy(
            () -> Envelope.fromPayload(Map.of("type", "event", "data", validEvent(), "seq", 9)))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'seq'")
        .hasMessageContaining("assigned by the stream");
  }

  @Test
  void unknownEnvelopeFieldsAreRefusedRatherThanDropped() {
    assertThatThrownBy(
            () -> Envelope.fromPayload(Map.of("type", "alert_created", "data", Map.of(), "x", 1)))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'x'");
  }

  @Test
  void otherTypesCarryTheirDataAsAMap() {
    Envelope envelope =
        Envelope.fromPayload(Map.of("type", "alert_created", "data", Map.of("id", "a1")));

    assertThat(envelope.type()).isEqualTo("alert_created");
    assertThat(envelope.data()).isEqualTo(Map.of("id", "a1"));
  }

  @Test
  void badTypeOrTimestampIsNamed() {
    assertThatThrownBy(() -> Envelope.fromPayload(Map.of("type", 5, "data", Map.of())))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'type'");
    assertThatThrownBy(() -> Envelope.fromPayload(Map.of("type", "x".repeat(51))))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'type'");
    assertThatThrownBy(
            () -> Envelope.fromPayload(Map.of("type", "alert_created", "timestamp", "yesterday")))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'timestamp'")
        .hasMessageContaining("\"yesterday\"");
    assertThatThrownBy(() -> Envelope.fromPayload(null))
        .isInstanceOf(InvalidPayloadException.class)
        .hasMessageContaining("field 'payload'");
  }

  @Test
  void longValuesAreShortenedInTheMessage() {
    String huge = "x".repeat(5_000);
    assertThatThrownBy(() -> Envelope.fromPayload(with("risk_level", huge)))
        .isInstanceOf(InvalidPayloadException.class)
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }

  @Test
  void envelopeRejectsInconsistentPositions() {
    assertThatThrownBy(() -> new Envelope("event", null, null, 1L, null, false))
        .hasMessageContaining("seq and epoch go together");
    assertThatThrownBy(() -> new Envelope("event", null, null, 0L, "e", false))
        .hasMessageContaining("seq must be >= 1, got 0");
    assertThatThrownBy(() -> Envelope.of("event", null).asReplay())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Envelope.of(" ", null)).hasMessageContaining("must not be blank");
  }

  @Test
  void dataAsNamesBothTypesOnMismatch() {
    assertThatThrownBy(() -> Envelope.of("x", Map.of()).dataAs(SecurityEvent.class))
        .isInstanceOf(ClassCastException.class)
        .hasMessageContaining("SecurityEvent");
  }

  @Test
  void mapDataIsCopiedSoLaterChangesDoNotLeakIn() {
    Map<String, Object> data = new LinkedHashMap<>(Map.of("k", "v"));
    Envelope envelope = Envelope.of("custom", data);
    data.put("k", "changed");

    assertThat(envelope.data()).isEqualTo(Map.of("k", "v"));
  }
}
