package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientExample} in a JVM of its own whose class path is {@code realtime-client}'s run-time
 * class path (its classes and what its pom declares, as written by the module's build to {@code
 * target/runtime-classpath.txt}) and the example's own classes, nothing else: no server jar, no
 * {@code realtime-jakarta-ws}. Against the standalone launcher, it prints the launcher's events.
 */
class ClientExampleIT {

  private static final Path CLIENT_MODULE = Path.of("..", "realtime-client", "target");

  private final LauncherProcesses launcher = new LauncherProcesses();
  private final List<Process> clients = new ArrayList<>();

  @TempDir Path work;

  @AfterEach
  void stop() {
    clients.forEach(Process::destroyForcibly);
    launcher.close();
  }

  /** realtime-client's classes and run-time dependencies, then a directory of the example only. */
  private String classPath() throws IOException {
    Path exampleClasses = work.resolve("example-classes");
    Path target = Files.createDirectories(exampleClasses.resolve("io/realtime/examples"));
    try (Stream<Path> classes = Files.list(Path.of("target", "classes", "io/realtime/examples"))) {
      for (Path file : classes.toList()) {
        String name = file.getFileName().toString();
        if (name.equals("ClientExample.class") || name.startsWith("ClientExample$")) {
          Files.copy(file, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    String dependencies =
        Files.readString(CLIENT_MODULE.resolve("runtime-classpath.txt"), StandardCharsets.UTF_8)
            .trim();
    List<String> entries = new ArrayList<>();
    entries.add(CLIENT_MODULE.resolve("classes").toAbsolutePath().toString());
    entries.addAll(List.of(dependencies.split(File.pathSeparator)));
    entries.add(exampleClasses.toString());
    assertThat(entries)
        .as("nothing of the server side on the client's class path")
        .noneMatch(
            entry ->
                entry.contains("realtime-jakarta-ws")
                    || entry.contains("tyrus-server")
                    || entry.contains("grizzly-http-server")
                    || entry.contains("examples" + File.separator + "target" + File.separator));
    return String.join(File.pathSeparator, entries);
  }

  /** Starts the example with these arguments and environment; its output goes to a file. */
  private Process startClient(Map<String, String> environment, Path output, String... arguments)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(LauncherProcesses.java(), "-cp", classPath()));
    command.add(ClientExample.class.getName());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove(ClientExample.API_KEY_VARIABLE);
    builder.environment().putAll(environment);
    Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
    clients.add(process);
    return process;
  }

  private static String read(Path output) {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void itPrintsTheLaunchersEventsWithOnlyRealtimeClientOnTheClassPathAndClosesOnSigterm()
      throws Exception {
    String key = "client-example-" + UUID.randomUUID();
    int port = LauncherProcesses.freePort();
    Path output = work.resolve("client.log");
    // The client starts first: connect() returns at once and retries until the launcher listens.
    Process client =
        startClient(
            Map.of(ClientExample.API_KEY_VARIABLE, key),
            output,
            "--subscribe",
            "event",
            "ws://127.0.0.1:" + port + "/ws/events");
    Process server =
        launcher.launch(
            Map.of("REALTIME_API_KEY", key),
            "--port",
            Integer.toString(port),
            "--status-interval",
            "500ms");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> read(output).matches("(?s).*event #\\d+ seq=\\d+ .*"));
    assertThat(read(output)).contains("connected to ws://127.0.0.1:" + port + "/ws/events");
    assertThat(LauncherProcesses.commandLine(client)).doesNotContain(key);
    assertThat(server.isAlive()).isTrue();

    client.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook closes the client
    assertThat(client.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(read(output)).contains("closed").doesNotContain("Exception");
  }

  @Test
  void aBlankPatternOrABadUrlIsAUsageErrorNotAStackTrace() throws Exception {
    for (List<String> arguments :
        List.of(
            List.of("--subscribe", "event,,alert.*", "ws://127.0.0.1:9/ws/events"),
            List.of("ws://bad host/ws/events"))) {
      Path output = work.resolve("usage-" + UUID.randomUUID() + ".log");
      Process client = startClient(Map.of(), output, arguments.toArray(String[]::new));

      assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).as(read(output)).isEqualTo(2);
      assertThat(read(output)).contains("Usage: ClientExample").doesNotContain("Exception");
    }
  }

  @Test
  void helpPrintsTheUsage() throws Exception {
    Path output = work.resolve("help.log");
    Process client = startClient(Map.of(), output, "--help");

    assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(client.exitValue()).isZero();
    assertThat(read(output)).contains("Usage: ClientExample", "--subscribe", "REALTIME_API_KEY");
  }
}
