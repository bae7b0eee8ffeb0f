package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.examples.LauncherHttp.Response;
import io.realtime.redis.RedisServer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /health} and {@code GET /metrics} of the shaded launcher in its own JVM, read over
 * HTTP after real traffic, in memory and on a private Redis that is killed and relaunched.
 */
class LauncherHealthIT {

  private static final Duration WAIT = Duration.ofSeconds(45);

  private final LauncherProcesses launcher = new LauncherProcesses();
  private RedisServer redis;

  @AfterEach
  void stop() throws Exception {
    launcher.close();
    if (redis != null) {
      redis.close();
    }
  }

  /** The value of the first Prometheus sample whose line starts with {@code series}. */
  private static double sample(String metrics, String series) {
    Matcher line =
        Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
            .matcher(metrics);
    if (!line.find()) {
      throw new AssertionError("no sample " + series + " in:\n" + metrics);
    }
    return Double.parseDouble(line.group(1));
  }

  private static double sample(String metrics, String name, String labels) {
    return sample(metrics, name + "{" + labels + "}");
  }

  @Test
  void healthAndMetricsDescribeTheTrafficInMemory() throws Exception {
    int port = LauncherProcesses.freePort();
    launcher.launch("--port", Integer.toString(port), "--status-interval", "500ms");
    LauncherHttp.awaitUp(port);

    try (LauncherClient events = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/events")) {
      events.await(m -> m.contains("\"type\":\"event\""), Duration.ofSeconds(15));

      Response health = LauncherHttp.get(port, "/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.header("content-type")).startsWith("application/json");
      assertThat(health.body())
          .contains("\"status\":\"UP\"", "\"ready\":true", "\"connected\":true")
          .contains("{\"name\":\"event_broadcaster\",\"state\":\"closed\"}")
          .contains("\"events\":1");

      Response metrics = LauncherHttp.get(port, "/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.header("content-type")).startsWith("text/plain");
      String text = metrics.body();
      assertThat(sample(text, "realtime_connections", "channel=\"events\"")).isEqualTo(1);
      assertThat(sample(text, "realtime_messages_sent_messages_total", "channel=\"events\""))
          .isGreaterThanOrEqualTo(1);
      assertThat(sample(text, "realtime_breaker_state", "name=\"event_broadcaster\"")).isZero();
      assertThat(sample(text, "realtime_degraded", "component=\"event_broadcaster\"")).isZero();
      assertThat(sample(text, "realtime_connections_refused_connections_total", "reason=\"auth\""))
          .isZero();
    }
  }

  @Test
  void killingRedisMakesTheInstanceDegradedButStillServedAndRelaunchingItUpAgain()
      throws Exception {
    redis = RedisServer.start();
    int port = LauncherProcesses.freePort();
    launcher.launch(
        "--port",
        Integer.toString(port),
        "--redis",
        "redis://127.0.0.1:" + redis.port(),
        "--breaker-recovery",
        "2s");
    LauncherHttp.awaitUp(port);
    await()
        .atMost(WAIT)
        .until(() -> LauncherHttp.get(port, "/health").body().contains("\"status\":\"UP\""));
    try (LauncherClient events = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/events")) {
      events.await(m -> m.contains("\"type\":\"event\""), Duration.ofSeconds(15));
      String metrics = LauncherHttp.get(port, "/metrics").body();
      assertThat(
              sample(
                  metrics,
                  "realtime_transport_publish_seconds_count",
                  "operation=\"append\",outcome=\"success\",transport=\"redis\""))
          .isGreaterThanOrEqualTo(1);

      redis.kill();
      await()
          .atMost(WAIT)
          .until(
              () -> LauncherHttp.get(port, "/health").body().contains("\"status\":\"DEGRADED\""));
      Response degraded = LauncherHttp.get(port, "/health");
      assertThat(degraded.status()).as("a degraded instance still serves").isEqualTo(200);
      assertThat(degraded.body()).contains("\"ready\":true", "\"connected\":false");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  sample(
                          LauncherHttp.get(port, "/metrics").body(),
                          "realtime_degraded",
                          "component=\"event_broadcaster\"")
                      == 1);

      redis.launch();
      await()
          .atMost(WAIT)
          .until(() -> LauncherHttp.get(port, "/health").body().contains("\"status\":\"UP\""));
      assertThat(
              sample(
                  LauncherHttp.get(port, "/metrics").body(),
                  "realtime_breaker_state",
                  "name=\"event_broadcaster\""))
          .isZero();
    }
  }
}
