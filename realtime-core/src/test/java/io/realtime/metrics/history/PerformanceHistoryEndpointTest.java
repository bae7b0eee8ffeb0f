package io.realtime.metrics.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.GpuPerformance;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /api/performance/history}: the codec's own shapes, the ranges, bad input. */
class PerformanceHistoryEndpointTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MessageCodec CODEC = MessageCodec.json();

  private static PerformanceUpdate at(int tick) {
    return new PerformanceUpdate(
        T0.plusSeconds(5L * tick),
        new GpuPerformance("H200", 10.0 + tick, 20.0, 141.0, 50, 300),
        null,
        null,
        null,
        null,
        new HostStats(30.0, 8.0, 64.0, 100.0, 1000.0),
        null,
        null);
  }

  private static PerformanceHistory filled(int count) {
    PerformanceHistory history = new PerformanceHistory(PerformanceHistory.DEFAULT_CAPACITY);
    for (int tick = 0; tick < count; tick++) {
      history.add(at(tick));
    }
    return history;
  }

  private static JsonNode body(PerformanceHistoryEndpoint.Reply reply) throws Exception {
    assertThat(reply.contentType()).isEqualTo("application/json; charset=utf-8");
    return JSON.readTree(reply.body());
  }

  @Test
  void withoutARangeItAnswersTheLastFiveMinutesAsPerformanceUpdatesDataOldestFirst()
      throws Exception {
    PerformanceHistory history = filled(800);

    PerformanceHistoryEndpoint.Reply reply =
        PerformanceHistoryEndpoint.create(history).handle(null);

    assertThat(reply.status()).isEqualTo(200);
    JsonNode body = body(reply);
    assertThat(body.get("type").asText()).isEqualTo("performance_history");
    assertThat(body.get("data").get("range").asText()).isEqualTo("5m");
    JsonNode points = body.get("data").get("points");
    List<PerformanceUpdate> view = history.view(HistoryRange.FIVE_MINUTES);
    assertThat(points).hasSize(view.size()).hasSize(60);
    for (int i = 0; i < view.size(); i++) {
      JsonNode live = JSON.readTree(CODEC.encode(Envelope.performanceUpdate(view.get(i))));
      assertThat(points.get(i))
          .as("point %d is the data of the live performance_update", i)
          .isEqualTo(live.get("data"));
    }
    assertThat(points.get(0).get("gpu").get("utilization").asDouble()).isEqualTo(750.0);
  }

  @Test
  void eachRangeIsItsView() throws Exception {
    PerformanceHistory history = filled(800);
    PerformanceHistoryEndpoint endpoint = PerformanceHistoryEndpoint.create(history);

    for (HistoryRange range : HistoryRange.values()) {
      JsonNode body = body(endpoint.handle(range.label()));

      assertThat(body.get("data").get("range").asText()).isEqualTo(range.label());
      List<String> timestamps = new ArrayList<>();
      body.get("data").get("points").forEach(p -> timestamps.add(p.get("timestamp").asText()));
      assertThat(timestamps)
          .as(range.label())
          .isEqualTo(history.view(range).stream().map(u -> u.timestamp().toString()).toList());
    }
  }

  @Test
  void anEmptyHistoryHasNoPoints() throws Exception {
    PerformanceHistoryEndpoint.Reply reply =
        PerformanceHistoryEndpoint.create(new PerformanceHistory(10)).handle("60m");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(body(reply).get("data").get("points")).isEmpty();
  }

  @Test
  void aBadRangeIsA400NamingItInTheCodecsErrorReply() throws Exception {
    PerformanceHistoryEndpoint endpoint = PerformanceHistoryEndpoint.create(filled(3));

    for (String bad : List.of("", "5", "1h", "5M", " 5m")) {
      PerformanceHistoryEndpoint.Reply reply = endpoint.handle(bad);

      assertThat(reply.status()).as("'%s'", bad).isEqualTo(400);
      JsonNode body = body(reply);
      assertThat(body.get("type").asText()).isEqualTo("error");
      assertThat(body.get("error").asText()).isEqualTo("validation_error");
      assertThat(body.get("message").asText())
          .isEqualTo("history range must be 5m, 15m or 60m, got '" + bad + "'");
    }
  }

  @Test
  void aHostileRangeIsEchoedBoundedAndWithoutControlCharacters() throws Exception {
    String hostile = "\"}<script>\n\u0000" + "x".repeat(10_000);

    PerformanceHistoryEndpoint.Reply reply =
        PerformanceHistoryEndpoint.create(filled(3)).handle(hostile);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().length).isLessThan(200);
    String message = body(reply).get("message").asText();
    assertThat(message)
        .isEqualTo("history range must be 5m, 15m or 60m, got '\"}<script>??xxxx…'")
        .doesNotContain("\n");
  }

  @Test
  void aReplyIsImmutable() {
    PerformanceHistoryEndpoint.Reply reply =
        PerformanceHistoryEndpoint.create(filled(1)).handle("5m");
    byte[] body = reply.body();

    body[0] = 'X';

    assertThat(reply.body()[0]).isEqualTo((byte) '{');
    assertThat(reply).isEqualTo(PerformanceHistoryEndpoint.create(filled(1)).handle("5m"));
  }
}
