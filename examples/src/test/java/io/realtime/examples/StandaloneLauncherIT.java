package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The launcher as a newcomer runs it: the shaded jar in its own JVM. */
class StandaloneLauncherIT {

  private final LauncherProcesses launcher = new LauncherProcesses();

  @AfterEach
  void stop() {
    launcher.close();
  }

  private Process launch(String... flags) throws IOException {
    return launcher.launch(flags);
  }

  private static int freePort() throws IOException {
    return LauncherProcesses.freePort();
  }

  @Test
  void helpListsEveryFlag() throws Exception {
    Process process =
        new ProcessBuilder(
                LauncherProcesses.java(), "-jar", LauncherProcesses.JAR.toString(), "--help")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(output)
        .contains(
            "--port N",
            "--redis URI",
            "--api-key K",
            "--token T",
            "--status-interval D",
            "--ping-interval D",
            "--idle-timeout D",
            "--instance-id ID",
            "--no-simulator",
            "--postgres JDBC_URL",
            "--nvml-lib PATH",
            "--health NAME=URL",
            "--llm-slots URL");
  }

  @Test
  void aBadFlagIsNamedAndExits2() throws Exception {
    Process process =
        new ProcessBuilder(
                LauncherProcesses.java(),
                "-jar",
                LauncherProcesses.JAR.toString(),
                "--status-interval",
                "soon")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output)
        .contains("--status-interval must be a duration such as 500ms, 5s or 2m, got 'soon'");
  }

  @Test
  void itServesLiveDataAndShutsDownGracefullyOnSigterm() throws Exception {
    int port = freePort();
    Process launcher =
        launch(
            "--port",
            Integer.toString(port),
            "--status-interval",
            "500ms",
            "--instance-id",
            "demo-a");

    try (LauncherClient events = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/events");
        LauncherClient system = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/system");
        LauncherClient job =
            LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/jobs/demo-1/logs")) {
      assertThat(events.await(m -> m.contains("\"type\":\"event\""), Duration.ofSeconds(15)))
          .contains("\"seq\":");
      assertThat(
              system.await(m -> m.contains("\"type\":\"system_status\""), Duration.ofSeconds(10)))
          .contains("\"instance\":\"demo-a\"");
      system.await(
          m -> m.contains("\"type\":\"performance_update\"") && m.contains("Simulated RTX A5500"),
          Duration.ofSeconds(10));
      job.await(
          m -> m.contains("\"type\":\"log\"") && m.contains("Job started: export"),
          Duration.ofSeconds(10));

      long start = System.nanoTime();
      launcher.destroy(); // SIGTERM

      events.await(m -> m.startsWith("{\"type\":\"system.shutdown\""), Duration.ofSeconds(5));
      assertThat(events.closed.get(5, TimeUnit.SECONDS).getCloseCode().getCode()).isEqualTo(1001);
      assertThat(launcher.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(launcher.exitValue()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void twoLaunchersOnOneRedisFormOneDeployment() throws Exception {
    int portA = freePort();
    int portB = freePort();
    launch(
        "--port",
        Integer.toString(portA),
        "--redis",
        "redis://127.0.0.1:6379",
        "--instance-id",
        "node-a",
        "--status-interval",
        "500ms",
        "--no-simulator");
    launch(
        "--port",
        Integer.toString(portB),
        "--redis",
        "redis://127.0.0.1:6379",
        "--instance-id",
        "node-b",
        "--status-interval",
        "500ms");

    try (LauncherClient onA = LauncherClient.connect("ws://127.0.0.1:" + portA + "/ws/system");
        LauncherClient eventsOnA =
            LauncherClient.connect("ws://127.0.0.1:" + portA + "/ws/events");
        LauncherClient onB = LauncherClient.connect("ws://127.0.0.1:" + portB + "/ws/system")) {
      onA.await(m -> m.contains("\"instance\":\"node-b\""), Duration.ofSeconds(20));
      onB.await(m -> m.contains("\"instance\":\"node-a\""), Duration.ofSeconds(20));
      eventsOnA.await(
          m -> m.contains("\"type\":\"event\"") && m.contains("\"seq\":"), Duration.ofSeconds(20));
    }
  }

  @Test
  void everyFlaggedSourceReachesTheStatusMessages() throws Exception {
    HttpServer ai = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    serve(
        ai,
        "/detector/health",
        "{\"status\":\"healthy\",\"model_name\":\"yolo26m\",\"device\":\"cuda:0\","
            + "\"vram_used_gb\":2.5,\"gpu_utilization\":37.0,\"temperature\":61}");
    serve(ai, "/llm/slots", "[{\"id\":0,\"n_ctx\":8192,\"is_processing\":true}]");
    ai.start();
    String base = "http://127.0.0.1:" + ai.getAddress().getPort();
    int port = freePort();
    launch(
        "--port",
        Integer.toString(port),
        "--status-interval",
        "500ms",
        "--no-simulator",
        "--postgres",
        "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
        "--nvml-lib",
        "/no/such/libnvidia-ml.so",
        "--health",
        "yolo26=" + base + "/detector",
        "--llm-slots",
        base + "/llm");

    try (LauncherClient system = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/system")) {
      String performance =
          system.await(
              m ->
                  m.contains("\"type\":\"performance_update\"")
                      && m.contains("\"postgresql\":{\"status\":\"healthy\""),
              Duration.ofSeconds(20));
      assertThat(performance)
          .contains("\"model\":\"yolo26m\"")
          .contains("\"slots_active\":1")
          .contains("\"context_size\":8192")
          .contains("\"cpu_percent\"")
          .contains("\"name\":\"ai-yolo26\"")
          .contains("\"vram_used_gb\":2.5");
      assertThat(
              system.await(
                  m -> m.contains("\"type\":\"system_status\"") && m.contains("cuda:0"),
                  Duration.ofSeconds(10)))
          .contains("\"utilization\":37.0")
          .contains("\"yolo26\":\"healthy\"")
          .contains("\"nemotron\":\"healthy\"")
          .contains("\"postgresql\":\"healthy\"");
    } finally {
      ai.stop(0);
    }
  }

  private static void serve(HttpServer server, String path, String body) {
    server.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
  }
}
