package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.redis.RedisServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher's command line as a user meets it, on the shaded jar: {@code --version}, flags from
 * the environment, the listen address, the log format and level, the exit status of a bad flag (2)
 * and of a start that fails (1), each with a one-line reason and no stack trace, and the breakers'
 * {@code circuit_breaker_update} on {@code /ws/system}.
 */
class LauncherCommandLineIT {

  /** A log line: ISO-8601 time with offset, thread, level, logger, message. */
  private static final Pattern LOG_LINE =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) \\[[^\\]]+\\]"
              + " (ERROR|WARN|INFO|DEBUG|TRACE) [a-z][\\w.$]+ - .*");

  private static final Duration START = Duration.ofSeconds(30);

  private final LauncherProcesses launchers = new LauncherProcesses();

  @AfterEach
  void stop() {
    launchers.close();
  }

  @Test
  void versionPrintsTheProjectsVersion() throws Exception {
    LauncherProcesses.Exit exit = LauncherProcesses.run(Map.of(), "--version");

    assertThat(exit.code()).isZero();
    assertThat(exit.output().strip())
        .isEqualTo("realtime-standalone " + System.getProperty("realtime.version"));
  }

  @Test
  void theEnvironmentGivesAFlagThatTheCommandLineDoesNot() throws Exception {
    int port = LauncherProcesses.freePort();
    Process launcher =
        launchers.launch(
            Map.of("REALTIME_PORT", Integer.toString(port), "REALTIME_INSTANCE_ID", "from-env"),
            "--no-simulator",
            "--status-interval",
            "500ms");

    try (LauncherClient system = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/system")) {
      system.await(m -> m.contains("\"instance\":\"from-env\""), START);
    }
    assertThat(launcher.isAlive()).isTrue();
  }

  @Test
  void logLinesCarryAnIsoTimeTheLevelAndTheLoggerAndTheDefaultAddressIsWarnedAbout()
      throws Exception {
    int port = LauncherProcesses.freePort();
    Process launcher = launchers.launch("--port", Integer.toString(port), "--no-simulator");

    await().atMost(START).until(() -> launchers.log(launcher).contains("realtime is up"));
    List<String> lines = launchers.log(launcher).lines().toList();
    assertThat(lines).isNotEmpty().allMatch(line -> LOG_LINE.matcher(line).matches());
    assertThat(lines)
        .anyMatch(
            line ->
                line.contains(
                        " WARN io.realtime.examples.StandaloneLauncher - Listening on 0.0.0.0")
                    && line.contains("no API key or token"));
  }

  @Test
  void hostBindsOneAddressAndLogLevelQuietsInfo() throws Exception {
    int port = LauncherProcesses.freePort();
    Process launcher =
        launchers.launch(
            "--port",
            Integer.toString(port),
            "--host",
            "127.0.0.1",
            "--log-level",
            "warn",
            "--no-simulator");

    try (LauncherClient events = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/events")) {
      assertThat(launcher.isAlive()).isTrue();
    }
    // Bound to loopback alone: the port is free on every other address of this machine.
    InetAddress other = nonLoopbackAddress();
    assertThat(other).as("an address of this machine beyond loopback").isNotNull();
    try (ServerSocket elsewhere = new ServerSocket()) {
      elsewhere.bind(new InetSocketAddress(other, port));
    }
    assertThat(launchers.log(launcher)).doesNotContain(" INFO ", "no API key or token");
  }

  @Test
  void aBadFlagExits2WithOneLine() throws Exception {
    for (List<String> flags :
        List.of(
            List.of("--status-interval", "soon"),
            List.of("--port", "eighty"),
            List.of("--no-such-flag"),
            List.of("--port"))) {
      LauncherProcesses.Exit exit = LauncherProcesses.run(Map.of(), flags.toArray(String[]::new));

      assertThat(exit.code()).as("%s", flags).isEqualTo(StandaloneLauncher.EXIT_USAGE);
      assertOneLine(exit).startsWith("realtime-standalone: ").contains(flags.get(0));
    }
    LauncherProcesses.Exit fromEnvironment =
        LauncherProcesses.run(Map.of("REALTIME_PORT", "eighty"));
    assertThat(fromEnvironment.code()).isEqualTo(StandaloneLauncher.EXIT_USAGE);
    assertOneLine(fromEnvironment)
        .isEqualTo("realtime-standalone: REALTIME_PORT must be from 0 to 65535, got 'eighty'");
  }

  @Test
  void aStartThatFailsExits1WithAOneLineReason() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      Map<List<String>, String> cases =
          Map.of(
              List.of("--port", Integer.toString(port), "--host", "127.0.0.1"),
              "Cannot start: cannot listen on 127.0.0.1 port " + port,
              List.of("--redis", "http://127.0.0.1:6379"),
              "Cannot start: --redis: Redis URI must start with redis:// or rediss://",
              List.of("--status-interval", "50ms"),
              "Cannot start: --status-interval: interval must be at least 100 ms",
              List.of("--instance-id", "no spaces allowed"),
              "Cannot start: --instance-id: instanceId must be 1 to 64 letters");
      for (Map.Entry<List<String>, String> failure : cases.entrySet()) {
        List<String> flags = new ArrayList<>(failure.getKey());
        flags.add("--no-simulator");
        if (!flags.contains("--port")) {
          flags.addAll(List.of("--port", "0"));
        }
        LauncherProcesses.Exit exit = LauncherProcesses.run(Map.of(), flags.toArray(String[]::new));

        assertThat(exit.code()).as(exit.output()).isEqualTo(StandaloneLauncher.EXIT_START_FAILURE);
        assertThat(exit.output()).doesNotContain("Exception", "\tat ");
        assertThat(exit.output().lines().filter(line -> line.contains(" ERROR ")))
            .as(exit.output())
            .singleElement()
            .satisfies(line -> assertThat(line).contains(failure.getValue()));
      }
    }
  }

  @Test
  void theBreakersChangesReachSystemClients() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      int port = LauncherProcesses.freePort();
      launchers.launch(
          "--port",
          Integer.toString(port),
          "--redis",
          "redis://127.0.0.1:" + redis.port(),
          "--breaker-recovery",
          "1s",
          "--status-interval",
          "500ms",
          "--no-simulator");

      try (LauncherClient system =
          LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/system")) {
        system.await(m -> m.contains("\"type\":\"system_status\""), START);
        redis.kill();

        String update =
            system.await(
                m ->
                    m.contains("\"type\":\"circuit_breaker_update\"")
                        && m.contains("\"state\":\"open\""),
                START);
        assertThat(update)
            .contains("\"event_broadcaster\"", "\"system_broadcaster\"", "\"job_logs\"");
        redis.launch();
        system.await(
            m ->
                m.contains("\"type\":\"circuit_breaker_update\"")
                    && m.contains("\"total\":3,\"open\":0,\"half_open\":0,\"closed\":3"),
            START);
      }
    }
  }

  private static AbstractStringAssert<?> assertOneLine(LauncherProcesses.Exit exit) {
    assertThat(exit.output().strip().lines()).as(exit.output()).hasSize(1);
    return assertThat(exit.output().strip());
  }

  /** An address of this machine other than loopback, or null when it has none. */
  private static InetAddress nonLoopbackAddress() throws Exception {
    return NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> !address.isLoopbackAddress() && !address.isLinkLocalAddress())
        .findFirst()
        .orElse(null);
  }
}
