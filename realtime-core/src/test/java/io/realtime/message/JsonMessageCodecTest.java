package io.realtime.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.SystemStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMessageCodecTest {

  private final MessageCodec codec = MessageCodec.json();

  @Test
  void invalidJsonGivesInvalidJsonWithAPreview() {
    String text = "{not json" + "x".repeat(200);

    assertThatThrownBy(() -> codec.decode(text))
        .isInstanceOfSatisfying(
            MessageFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON);
              assertThat(e.details().get("raw_data_preview")).isEqualTo(text.substring(0, 100));
              assertThat(e.toErrorReply().type()).isEqualTo("error");
            });
  }

  @Test
  void emptyTextGivesInvalidJsonWithANullPreview() {
    assertThatThrownBy(() -> codec.decode(""))
        .isInstanceOfSatisfying(
            MessageFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JSON);
              assertThat(e.details()).containsEntry("raw_data_preview", null);
            });
  }

  @Test
  void nonObjectsAndMissingTypesAreInvalidFormats() {
    for (String text : new String[] {"[1,2]", "42", "{\"data\":{}}", "{\"type\":7}"}) {
      assertThatThrownBy(() -> codec.decode(text))
          .as(text)
          .isInstanceOfSatisfying(
              MessageFormatException.class,
              e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE_FORMAT);
                assertThat(e.details()).containsKey("validation_errors");
              });
    }
  }

  @Test
  void anInvalidEventIsAValidationErrorNamingTheField() {
    String text =
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\","
            + "\"camera_id\":\"c\",\"risk_score\":300,\"risk_level\":\"low\",\"summary\":\"s\"}}";

    assertThatThrownBy(() -> codec.decode(text))
        .isInstanceOfSatisfying(
            MessageFormatException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
              assertThat(e.getMessage()).contains("risk_score").contains("300");
              assertThat(e.details()).containsEntry("field", "risk_score");
            });
  }

  @Test
  void unknownTypesKeepTheirDataAsAMap() {
    Message message = codec.decode("{\"type\":\"detection.new\",\"data\":{\"label\":\"person\"}}");

    assertThat(message).isEqualTo(Envelope.of("detection.new", Map.of("label", "person")));
  }

  @Test
  void seedExamplesWithNaiveTimestampsDecode() {
    String seed =
        "{\"type\": \"system_status\", \"data\": {\"gpu\": {\"name\": \"NVIDIA RTX A5500\","
            + " \"utilization\": 45.2, \"memory_used\": 7168, \"memory_total\": 24576,"
            + " \"temperature\": 65.0, \"power_usage\": 125.5}, \"queues\": {\"detection_queue\": 3,"
            + " \"analysis_queue\": 1, \"dlq_total\": 0}, \"cameras\": {\"total\": 4, \"online\": 4,"
            + " \"offline\": 0}, \"services\": {\"yolo26\": \"healthy\"}},"
            + " \"timestamp\": \"2024-01-15T10:30:00.000000\"}";

    Envelope envelope = (Envelope) codec.decode(seed);

    assertThat(envelope.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
    assertThat(envelope.dataAs(SystemStatus.class).gpu().memoryUsed()).isEqualTo(7168L);
  }

  @Test
  void unknownFieldsAreIgnoredWhenDecoding() {
    Message message = codec.decode("{\"type\":\"pong\",\"extra\":true}");

    assertThat(message).isEqualTo(Pong.INSTANCE);
  }

  @Test
  void pingWithoutLastSeqDecodesAsZero() {
    assertThat(codec.decode("{\"type\":\"ping\"}")).isEqualTo(new Ping(0));
  }

  @Test
  void eventExtrasSurviveARoundTrip() {
    String text =
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":2,\"batch_id\":\"b\",\"camera_id\":\"c\","
            + "\"risk_score\":90,\"risk_level\":\"CRITICAL\",\"summary\":\"s\",\"started_at\":null,"
            + "\"reasoning\":\"r\",\"objects\":[\"person\",{\"n\":2}]}}";

    Envelope envelope = (Envelope) codec.decode(text);

    assertThat(envelope.dataAs(SecurityEvent.class).requiresAck()).isTrue();
    assertThat(codec.encode(envelope))
        .isEqualTo(
            "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":2,\"batch_id\":\"b\","
                + "\"camera_id\":\"c\",\"risk_score\":90,\"risk_level\":\"critical\","
                + "\"summary\":\"s\",\"started_at\":null,\"reasoning\":\"r\","
                + "\"objects\":[\"person\",{\"n\":2}]}}");
  }

  @Test
  void timestampsAreIso8601Utc() {
    assertThat(Timestamps.format(Instant.parse("2024-01-15T10:30:00.123456Z")))
        .isEqualTo("2024-01-15T10:30:00.123456Z");
    assertThat(Timestamps.parse("2024-01-15T12:30:00+02:00"))
        .isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
    assertThat(Timestamps.parse("2024-01-15T10:30:00.000000"))
        .isEqualTo(Instant.parse("2024-01-15T10:30:00Z"));
  }

  @Test
  void unencodableDataIsAClearError() {
    Envelope envelope = Envelope.of("custom", Map.of("self", new Object()));

    assertThatThrownBy(() -> codec.encode(envelope))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot encode a custom message");
  }

  /**
   * Found by JsonMessageCodecFuzzTest: 1e400 read as Infinity and went out as the string
   * "Infinity".
   */
  @Test
  void numbersBeyondTheRangeOfADoubleAreInvalidFormats() {
    for (String text :
        new String[] {
          "{\"type\":\"x\",\"data\":{\"n\":1e400}}",
          "{\"type\":\"x\",\"data\":{\"n\":[1,{\"m\":-1e400}]}}",
          "{\"type\":\"ping\",\"lastSeq\":1e999}",
          "{\"type\":\"event\",\"data\":{\"id\":1e400}}"
        }) {
      for (var decode :
          List.<java.util.function.Function<String, ?>>of(codec::decode, codec::decodeClient)) {
        assertThatThrownBy(() -> decode.apply(text))
            .as(text)
            .isInstanceOfSatisfying(
                MessageFormatException.class,
                e -> {
                  assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MESSAGE_FORMAT);
                  assertThat(e.getMessage()).contains("out of range");
                });
      }
    }
    assertThat(codec.decode("{\"type\":\"x\",\"data\":{\"n\":1.7976931348623157e308}}"))
        .isEqualTo(Envelope.of("x", Map.of("n", Double.MAX_VALUE)));
  }

  @Test
  void clientMessagesAreEncodedByTheCodecAndReadBackAsSent() {
    ClientMessage subscribe = new ClientMessage("subscribe", Map.of("events", List.of("alert.*")));
    assertThat(codec.encodeClient(subscribe))
        .isEqualTo("{\"type\":\"subscribe\",\"data\":{\"events\":[\"alert.*\"]}}");
    assertThat(codec.decodeClient(codec.encodeClient(subscribe))).isEqualTo(subscribe);
    assertThat(codec.encodeClient(new ClientMessage("pong", null)))
        .isEqualTo("{\"type\":\"pong\"}");
  }
}
