package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.examples.embedded.EmbeddedJettyApp;
import io.realtime.examples.embedded.EmbeddedTomcatApp;
import io.realtime.examples.embedded.RealtimeStack;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedding examples on real Tomcat 11 and Jetty 12: the app's servlet and the endpoints. */
class EmbeddingExamplesIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void tomcatServesItsServletAndTheEndpoints() throws Exception {
    RealtimeStack stack = new RealtimeStack(Duration.ofMillis(200));
    try (EmbeddedTomcatApp app = EmbeddedTomcatApp.start(0, stack)) {
      servesBoth(app.port(), stack);
    }
  }

  @Test
  void jettyServesItsServletAndTheEndpoints() throws Exception {
    RealtimeStack stack = new RealtimeStack(Duration.ofMillis(200));
    try (EmbeddedJettyApp app = EmbeddedJettyApp.start(0, stack)) {
      servesBoth(app.port(), stack);
    }
  }

  private void servesBoth(int port, RealtimeStack stack) throws Exception {
    assertThat(connections(port)).isEqualTo("{\"connections\":0}");
    try (LauncherClient events = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/events");
        LauncherClient system = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/system")) {
      system.await(m -> m.contains("\"type\":\"system_status\""), Duration.ofSeconds(10));
      assertThat(connections(port)).isEqualTo("{\"connections\":2}");

      stack
          .events()
          .publish(
              Envelope.event(
                  SecurityEvent.of(
                      7,
                      7,
                      "batch-7",
                      "front_door",
                      91,
                      RiskLevel.CRITICAL,
                      "Person at door",
                      null)));

      assertThat(
              events.await(m -> m.contains("\"camera_id\":\"front_door\""), Duration.ofSeconds(5)))
          .contains("\"risk_level\":\"critical\"")
          .contains("\"seq\":");

      stack.close();
      events.await(m -> m.startsWith("{\"type\":\"system.shutdown\""), Duration.ofSeconds(5));
      assertThat(events.closed.get(5, TimeUnit.SECONDS).getCloseCode().getCode()).isEqualTo(1001);
    }
  }

  private String connections(int port) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/connections"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
