package io.realtime.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.websocket.CloseReason.CloseCodes;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Boots the example on a random port, in memory and on the shared Redis (so that the Jedis the
 * module resolves is exercised), and talks to it as a client and an operator would: a published
 * event, Actuator's health and Prometheus meters, the shutdown message before Tomcat stops.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringBootExampleIT {

  private static final String API_KEY = "k3y-never-in-logs-5e1f";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();

  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of("in-memory", ""), Arguments.of("Redis", "redis://127.0.0.1:6379"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void aClientReceivesAnEventThenSystemShutdownAnd1001WhenTheContextCloses(
      String name, String redisUri, CapturedOutput output) throws Exception {
    ConfigurableApplicationContext context = start("--realtime.redis.uri=" + redisUri);
    RealtimeStack stack = context.getBean(RealtimeStack.class);
    int port = port(context);
    try {
      RecordingClient client =
          RecordingClient.connect(
              URI.create("ws://127.0.0.1:" + port + "/ws/events?api_key=" + API_KEY));
      await().atMost(WAIT).until(() -> stack.registry().count() == 1);
      await().atMost(WAIT).until(() -> stack.events().isLive());

      stack.events().publish(event("published through Spring"));

      await().atMost(WAIT).until(() -> client.indexOf("published through Spring") >= 0);
      assertThat(client.messages.get(client.indexOf("published through Spring")))
          .contains("\"type\":\"event\"");

      await().atMost(WAIT).until(() -> realtimeStatus(health(port)).equals("UP"));
      JsonNode health = health(port);
      assertThat(health.at("/status").asText()).isEqualTo("UP");
      assertThat(health.at("/components/realtime/details/ready").asBoolean()).isTrue();
      assertThat(health.at("/components/realtime/details/connections/total").asInt()).isEqualTo(1);
      String meters = get(port, "/actuator/prometheus").body();
      assertThat(meters)
          .containsPattern("realtime_connections\\{[^}]*channel=\"events\"[^}]*} 1\\.0")
          .containsPattern(
              "realtime_messages_sent_messages_total\\{[^}]*channel=\"events\"[^}]*} 1\\.0");
      if (!redisUri.isEmpty()) {
        assertThat(meters)
            .containsPattern(
                "realtime_transport_publish_seconds_count\\{[^}]*outcome=\"success\""
                    + "[^}]*transport=\"redis\"[^}]*} [1-9]");
      }

      context.close();

      await().atMost(WAIT).until(() -> client.closeReason != null);
      assertThat(client.indexOf("\"type\":\"system.shutdown\""))
          .as("system.shutdown before the close, messages %s", client.messages)
          .isGreaterThan(client.indexOf("published through Spring"));
      assertThat(client.closeReason.getCloseCode()).isEqualTo(CloseCodes.GOING_AWAY);
    } finally {
      context.close();
    }
    assertThat(output.getAll()).contains("realtime started").doesNotContain(API_KEY);
  }

  @Test
  void aClientWithoutTheApiKeyIsRefusedWith1008() throws Exception {
    try (ConfigurableApplicationContext context = start()) {
      RecordingClient client =
          RecordingClient.connect(URI.create("ws://127.0.0.1:" + port(context) + "/ws/events"));
      await().atMost(WAIT).until(() -> client.closeReason != null);
      assertThat(client.closeReason.getCloseCode()).isEqualTo(CloseCodes.VIOLATED_POLICY);
    }
  }

  @Test
  void healthIsDegradedAnd200WhileRedisIsUnreachable() throws Exception {
    int nothingListens;
    try (ServerSocket socket = new ServerSocket(0)) {
      nothingListens = socket.getLocalPort();
    }
    try (ConfigurableApplicationContext context =
        start("--realtime.redis.uri=redis://127.0.0.1:" + nothingListens)) {
      int port = port(context);
      await().atMost(WAIT).until(() -> realtimeStatus(health(port)).equals("DEGRADED"));
      HttpResponse<String> response = get(port, "/actuator/health");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).at("/status").asText()).isEqualTo("DEGRADED");
    }
  }

  private static ConfigurableApplicationContext start(String... args) {
    String[] all =
        Stream.concat(
                Stream.of("--server.port=0", "--realtime.api-keys=" + API_KEY), Stream.of(args))
            .toArray(String[]::new);
    return new SpringApplicationBuilder(RealtimeApplication.class).run(all);
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode health(int port) throws Exception {
    return JSON.readTree(get(port, "/actuator/health").body());
  }

  private static String realtimeStatus(JsonNode health) {
    return health.at("/components/realtime/status").asText();
  }

  private static Map<String, Object> event(String summary) {
    return Map.of(
        "id",
        1,
        "event_id",
        42,
        "batch_id",
        "batch-1",
        "camera_id",
        "cam-7",
        "risk_score",
        85,
        "risk_level",
        "high",
        "summary",
        summary);
  }
}
