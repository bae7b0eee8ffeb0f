package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The React hooks of {@code realtime-react.js}, installed from the packed tarball with React,
 * react-dom and jsdom, rendered on Node by {@code src/test/js/it/react-hooks.mjs} against a real
 * server: they update on events, system status, performance updates and job log lines, keep their
 * subscriptions across a server restart on the same port, change a subscription without a new
 * connection, and close their sockets on unmount.
 *
 * <p>The script drives the scenario: it prints {@code STEP <name>}, this test does that step on the
 * server and answers {@code OK <value>} on the script's standard input.
 */
class ReactHooksIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private JavaScriptTestServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void renderedHooksUpdateSurviveARestartAndCloseOnUnmount() throws Exception {
    Path project = NodeProject.installed();
    server = new JavaScriptTestServer();
    server.jobs.emit("job-7", "info", "backlog line", null).toCompletableFuture().join();

    Process node =
        NodeProject.start(
            project, "node", "react-hooks.mjs", server.url("ws", ""), JavaScriptTestServer.API_KEY);
    StringBuilder output = new StringBuilder();
    try (BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        Writer answers = node.outputWriter(StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith("STEP ")) {
          answers.write("OK " + step(line.substring(5)) + "\n");
          answers.flush();
        }
      }
    }
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished:%n%s", output).isTrue();
    assertThat(node.exitValue()).as("react-hooks.mjs said:%n%s", output).isZero();
    assertThat(output).contains("PASS");
  }

  /**
   * The hooks' lifecycle with a scripted WebSocket ({@code react-hooks-lifecycle.mjs}):
   * StrictMode's double mount, a jobId changed while the old socket still delivers, a job log's
   * backlog after a reconnect, limits that shrink.
   */
  @Test
  void hooksSurviveStrictModeAChangedJobIdAndShrinkingLimits() throws Exception {
    Path project = NodeProject.installed();
    String output = NodeProject.run(project, 120, "node", "react-hooks-lifecycle.mjs");
    assertThat(output).contains("# fail 0").doesNotContain("not ok");
  }

  /** Does one step of the script's scenario; returns what the script checks it against. */
  private String step(String name) throws Exception {
    switch (name) {
      case "publish" -> {
        server.publish("alert.intrusion", Map.of("n", 1));
        server.publish("camera.offline", Map.of("n", 2));
        server.publish("alert.motion", Map.of("n", 3));
        server.jobs.emit("job-7", "info", "line one", null).toCompletableFuture().join();
        server.jobs.emit("job-7", "error", "line two", null).toCompletableFuture().join();
        return "";
      }
      case "collect" -> {
        return Integer.toString(server.collect());
      }
      case "restart" -> {
        server.restart();
        return "";
      }
      case "publish-again" -> {
        server.publish("camera.offline", Map.of("n", 4));
        server.publish("alert.intrusion", Map.of("n", 5));
        server.jobs.emit("job-7", "info", "line three", null).toCompletableFuture().join();
        server.jobs.completed("job-7", null, null).toCompletableFuture().join();
        return "";
      }
      case "publish-for-the-new-subscription" -> {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    server.registry.connections("events").stream()
                        .allMatch(c -> c.subscriptions().patterns().equals(List.of("camera.*"))));
        server.publish("alert.intrusion", Map.of("n", 7));
        server.publish("camera.offline", Map.of("n", 8));
        return "";
      }
      case "unmounted" -> {
        await().atMost(WAIT).until(() -> server.registry.count() == 0);
        return "";
      }
      default -> throw new IllegalArgumentException("unknown step " + name);
    }
  }
}
