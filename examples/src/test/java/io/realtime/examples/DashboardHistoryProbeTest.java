package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.message.MessageCodec;
import io.realtime.metrics.history.PerformanceHistory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The history probe's credentials and its reading of the raw query string. */
class DashboardHistoryProbeTest {

  private static final String KEY = "sk-history-probe-key-0123456789";
  private static final String TOKEN = "tok-history-probe-0123456789";

  private final DashboardHandler.Probe probe =
      DashboardHandler.history(
          new PerformanceHistory(PerformanceHistory.DEFAULT_CAPACITY),
          MessageCodec.json(),
          (apiKey, token) -> KEY.equals(apiKey) && TOKEN.equals(token));

  private static DashboardHandler.Query request(String rawQuery, Map<String, String> headers) {
    return request(rawQuery, headers, "unknown");
  }

  private static DashboardHandler.Query request(
      String rawQuery, Map<String, String> headers, String address) {
    return new DashboardHandler.Query() {
      @Override
      public String remoteAddress() {
        return address;
      }

      @Override
      public String parameter(String name) {
        return DashboardHandler.parameterOf(rawQuery, name);
      }

      @Override
      public String header(String name) {
        return headers.get(name);
      }
    };
  }

  private int status(String rawQuery, Map<String, String> headers) {
    return probe.get(request(rawQuery, headers)).status();
  }

  @Test
  void theKeyAndTokenComeAsParametersOrHeaders() {
    assertThat(status("api_key=" + KEY + "&token=" + TOKEN, Map.of())).isEqualTo(200);
    assertThat(status(null, Map.of("X-API-Key", KEY, "Authorization", "Bearer " + TOKEN)))
        .isEqualTo(200);
    assertThat(status("token=" + TOKEN, Map.of("X-API-Key", KEY))).isEqualTo(200);
    assertThat(status("range=15m&api_key=" + KEY + "&token=" + TOKEN, Map.of())).isEqualTo(200);
  }

  @Test
  void withoutEitherItIsAPlain401ThatEchoesNothing() {
    for (String query :
        new String[] {
          null, "", "api_key=" + KEY, "token=" + TOKEN, "xapi_key=" + KEY + "&token=x"
        }) {
      DashboardHandler.Reply reply = probe.get(request(query, Map.of()));
      assertThat(reply.status()).as(query).isEqualTo(401);
      String body = new String(reply.body(), StandardCharsets.UTF_8);
      assertThat(body).doesNotContain(KEY, TOKEN).endsWith("\n");
      assertThat(body.strip()).doesNotContain("\n");
      assertThat(reply.contentType()).startsWith("text/plain");
    }
    assertThat(status(null, Map.of("X-API-Key", KEY, "Authorization", "Basic " + TOKEN)))
        .isEqualTo(401);
  }

  @Test
  void theRangeIsTakenAsSentAndAMalformedOneIsA400() {
    String auth = "api_key=" + KEY + "&token=" + TOKEN;
    assertThat(status(auth + "&range=%ZZ", Map.of())).isEqualTo(400);
    assertThat(status(auth + "&range=%35m", Map.of())).as("not decoded").isEqualTo(400);
    assertThat(status(auth + "&range=60m", Map.of())).isEqualTo(200);
    assertThat(DashboardHandler.parameterOf("a=1&range=5m&range=60m", "range")).isEqualTo("5m");
    assertThat(DashboardHandler.parameterOf("xrange=1", "range")).isNull();
    assertThat(DashboardHandler.parameterOf("range", "range")).isEmpty();
  }

  @Test
  void oneAddressGetsABoundedNumberOfAnswersCountedBeforeTheCredentials() {
    String good = "api_key=" + KEY + "&token=" + TOKEN;
    int answered = 0;
    while (probe.get(request("api_key=guess-" + answered, Map.of(), "203.0.113.7")).status()
        == 401) {
      answered++;
      assertThat(answered).isLessThanOrEqualTo(1_000);
    }
    assertThat(answered).isGreaterThanOrEqualTo(DashboardHandler.HISTORY_REQUESTS_PER_MINUTE);
    // Past the limit the answer no longer depends on the guess: a right key gets a 429 too.
    assertThat(probe.get(request(good, Map.of(), "203.0.113.7")).status()).isEqualTo(429);
    assertThat(probe.get(request(good, Map.of(), "203.0.113.8")).status()).isEqualTo(200);
  }
}
