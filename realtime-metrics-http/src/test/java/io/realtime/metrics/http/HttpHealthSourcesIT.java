package io.realtime.metrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.message.payload.PerformanceUpdate.ContainerHealth;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP sources against a real JDK HttpServer: recorded bodies, slow answers and errors. */
class HttpHealthSourcesIT {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private final CountDownLatch releaseSlowAnswers = new CountDownLatch(1);
  private final HttpProbe probe = new HttpProbe(TIMEOUT);
  private HttpServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    serve("/detector/health", 200, recorded("detector-health.json"));
    serve("/loading/health", 200, recorded("detector-health-loading.json"));
    serve("/llm/slots", 200, recorded("llama-slots.json"));
    serve("/legacy-llm/slots", 200, recorded("llama-slots-legacy.json"));
    serve("/broken/health", 500, "{\"detail\":\"CUDA out of memory\"}");
    serve("/broken/slots", 503, "Loading model");
    serve("/garbage/slots", 200, "<html>not json</html>");
    serve("/frontend/health", 200, "ok");
    server.createContext(
        "/slow/",
        exchange -> {
          try {
            releaseSlowAnswers.await(30, TimeUnit.SECONDS);
            respond(exchange, 200, "{\"status\":\"healthy\"}");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    releaseSlowAnswers.countDown();
    server.stop(0);
  }

  @Test
  void aiModelHealthReadsTheRecordedBody() throws Exception {
    assertThat(new AiModelHealthMetrics("yolo26", url("/detector"), probe).collect())
        .isEqualTo(new AiModelStatus("healthy", 2.75, "yolo26m", "cuda:0", null, null, null));
  }

  @Test
  void aiModelThatIsNotHealthyYetIsUnhealthyWithDefaults() throws Exception {
    assertThat(new AiModelHealthMetrics("yolo26", url("/loading"), probe).collect())
        .isEqualTo(new AiModelStatus("unhealthy", null, "yolo26", "cuda:0", null, null, null));
  }

  @Test
  void aiModelErrorsTimeoutsAndRefusalsAreUnreachable() throws Exception {
    AiModelStatus unreachable =
        new AiModelStatus("unreachable", 0.0, "yolo26", "unknown", null, null, null);

    assertThat(new AiModelHealthMetrics("yolo26", url("/broken"), probe).collect())
        .isEqualTo(unreachable);
    long start = System.nanoTime();
    assertThat(new AiModelHealthMetrics("yolo26", url("/slow"), probe).collect())
        .isEqualTo(unreachable);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the timeout bounds the probe")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(new AiModelHealthMetrics("yolo26", closedPort(), probe).collect())
        .isEqualTo(unreachable);
  }

  @Test
  void llamaSlotsCountsProcessingSlots() throws Exception {
    assertThat(new LlamaSlotsMetrics("nemotron", url("/llm"), probe).collect())
        .isEqualTo(new AiModelStatus("healthy", null, "nemotron", null, 2, 4, 8192));
    assertThat(new LlamaSlotsMetrics("nemotron", url("/legacy-llm/"), probe).collect())
        .isEqualTo(new AiModelStatus("healthy", null, "nemotron", null, 1, 2, 4096));
  }

  @Test
  void llamaSlotsThatFailOrAreNotJsonAreUnreachable() throws Exception {
    AiModelStatus unreachable = new AiModelStatus("unreachable", null, "nemotron", null, 0, 0, 0);

    assertThat(new LlamaSlotsMetrics("nemotron", url("/broken"), probe).collect())
        .isEqualTo(unreachable);
    assertThat(new LlamaSlotsMetrics("nemotron", url("/garbage"), probe).collect())
        .isEqualTo(unreachable);
    assertThat(new LlamaSlotsMetrics("nemotron", url("/slow"), probe).collect())
        .isEqualTo(unreachable);
  }

  @Test
  void containersFollowTheOriginalRules() throws Exception {
    Map<String, URI> containers = new LinkedHashMap<>();
    containers.put("frontend", url("/frontend/health"));
    containers.put("ai-yolo26", url("/broken/health"));
    containers.put("ai-llm", url("/slow/health"));
    containers.put("grafana", URI.create(closedPort() + "/health"));

    assertThat(new ContainerHealthMetrics(containers, probe).collect())
        .containsExactly(
            new ContainerHealth("frontend", "running", "healthy"),
            new ContainerHealth("ai-yolo26", "running", "unhealthy"),
            new ContainerHealth("ai-llm", "running", "unhealthy"),
            new ContainerHealth("grafana", "unknown", "unhealthy"));
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static URI closedPort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port);
  }

  private void serve(String path, int status, String body) {
    server.createContext(path, exchange -> respond(exchange, status, body));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String recorded(String name) throws IOException {
    try (InputStream in = HttpHealthSourcesIT.class.getResourceAsStream("/http/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
