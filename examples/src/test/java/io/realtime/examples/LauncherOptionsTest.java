package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.metrics.postgres.PostgresConnections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

class LauncherOptionsTest {

  private static final String STRAY_ARGUMENT =
      "an argument is neither a flag nor a flag's value (see --help; every value follows its flag"
          + " after a space or '=')";

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=monitor";

  @Test
  void secretsComeFromTheEnvironmentWhenNoFlagGivesThem() {
    LauncherOptions options =
        LauncherOptions.parse(
            Map.of(
                "REALTIME_API_KEY",
                " env-key\n",
                "REALTIME_TOKEN",
                "env-token",
                "PGPASSWORD",
                "pg"),
            "--postgres",
            POSTGRES);

    assertThat(options.apiKeys()).containsExactly("env-key");
    assertThat(options.token()).isEqualTo("env-token");
    assertThat(options.postgresPassword()).isEqualTo("pg");
  }

  @Test
  void flagsAndFilesWinOverTheEnvironment(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("keys"), "k1\n\n  k2 \n");
    Path token = Files.writeString(dir.resolve("token"), "\nfile-token\n");

    LauncherOptions options =
        LauncherOptions.parse(
            Map.of("REALTIME_API_KEY", "env-key", "REALTIME_TOKEN", "env-token"),
            "--api-key",
            "cli-key",
            "--api-key-file",
            keys.toString(),
            "--token-file",
            token.toString());

    assertThat(options.apiKeys()).containsExactly("cli-key", "k1", "k2");
    assertThat(options.token()).isEqualTo("file-token");
  }

  @Test
  void theUrlsPasswordWinsOverPgpassword() {
    LauncherOptions options =
        LauncherOptions.parse(
            Map.of("PGPASSWORD", "from-env"), "--postgres", POSTGRES + "&password=from-url");

    assertThat(options.postgresPassword()).isNull();
    assertThat(LauncherOptions.parse(Map.of("PGPASSWORD", "x")).postgresPassword()).isNull();
  }

  @Test
  void toStringMasksEverySecret() {
    String text =
        LauncherOptions.parse(
                Map.of("PGPASSWORD", "pg-secret"),
                "--api-key",
                "key-secret",
                "--token",
                "token-secret",
                "--postgres",
                POSTGRES)
            .toString();

    assertThat(text)
        .contains("apiKeys=1", "token=****", "password from PGPASSWORD: ****")
        .doesNotContain("key-secret", "token-secret", "pg-secret");
    assertThat(
            LauncherOptions.parse(Map.of(), "--postgres", POSTGRES + "&password=url-secret")
                .toString())
        .contains("password=****")
        .doesNotContain("url-secret");
  }

  @Test
  void originsAndProxiesAreChecked() {
    LauncherOptions options =
        LauncherOptions.parse(
            Map.of(),
            "--allowed-origin",
            "https://dashboard.example:8443",
            "--allowed-origin",
            "*",
            "--trusted-proxy",
            "10.0.0.2",
            "--trusted-proxy",
            "::1",
            "--trusted-proxy",
            "10.0.0.0/8");

    assertThat(options.allowedOrigins()).containsExactly("https://dashboard.example:8443", "*");
    assertThat(options.trustedProxies()).containsExactly("10.0.0.2", "::1", "10.0.0.0/8");
    for (String origin : List.of("https://x.example/", "x.example", "http://", "")) {
      assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--allowed-origin", origin))
          .hasMessageContaining("--allowed-origin");
    }
    for (String proxy :
        List.of("proxy.example", "10.0.0", "10.0.0.256", "", "10.0.0.0/33", "10.0.0.0/")) {
      assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--trusted-proxy", proxy))
          .hasMessageContaining("--trusted-proxy must be an IP address");
    }
  }

  @Test
  void limitsArePositiveWholeNumbers() {
    LauncherOptions options =
        LauncherOptions.parse(
            Map.of(),
            "--max-connections",
            "5",
            "--max-connections-per-address",
            "2",
            "--connection-rate",
            "30");

    assertThat(options.maxConnections()).isEqualTo(5);
    assertThat(options.maxConnectionsPerAddress()).isEqualTo(2);
    assertThat(options.connectionRate()).isEqualTo(30);
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--max-connections", "0"))
        .hasMessage("--max-connections must be a whole number from 1 to 2147483647, got '0'");
  }

  @Test
  void aSecretFilesErrorsNameItButNeverItsContent(@TempDir Path dir) throws Exception {
    Path big = Files.writeString(dir.resolve("big"), "s".repeat(70_000));
    Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe});

    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--token-file", big.toString()))
        .hasMessage("--token-file " + big + " is larger than 64 KiB");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--api-key-file", binary.toString()))
        .hasMessage("--api-key-file " + binary + " is not UTF-8 text");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--token", " "))
        .hasMessage("--token must not be blank");
  }

  @Test
  void noSecretIsEchoedByAnErrorOrTheSummary(@TempDir Path dir) throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"), "--no-such-flag=s3cr3tFILE\n");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--api-keys=s3cr3tKEY"))
        .hasMessage("unknown option '--api-keys=…' (see --help)");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "@" + secrets))
        .as("an @file is not read as arguments")
        .hasMessage(STRAY_ARGUMENT);
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--api-key", "k1", "s3cr3tK2"))
        .hasMessage(STRAY_ARGUMENT);
    assertThatThrownBy(
            () -> LauncherOptions.parse(Map.of(), "--postgres=jdbc:mysql://h/db?password=pw1"))
        .hasMessageNotContaining("pw1");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--llm-slots", "ftp://u:pw2@host/x"))
        .hasMessageContaining("--llm-slots")
        .hasMessageNotContaining("pw2");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--health", "ai=ftp://u:pw3@host/"))
        .hasMessageNotContaining("pw3");

    String summary =
        LauncherOptions.parse(
                Map.of(),
                "--health",
                "ai=http://u:pw4@host:8000/health",
                "--llm-slots",
                "http://u:pw5@host:8080/slots")
            .toString();
    assertThat(summary).doesNotContain("pw4", "pw5").contains("u:****@host:8000");
  }

  @Test
  void everyFlagCanComeFromItsEnvironmentVariable() {
    LauncherOptions options =
        LauncherOptions.parse(
            Map.of(
                "REALTIME_PORT", "9000",
                "REALTIME_HOST", "127.0.0.1",
                "REALTIME_REDIS", "redis://127.0.0.1:6390",
                "REALTIME_STATUS_INTERVAL", "750ms",
                "REALTIME_INSTANCE_ID", "node-env",
                "REALTIME_NO_SIMULATOR", "true",
                "REALTIME_TRUSTED_PROXY", "10.0.0.2,10.0.0.0/8",
                "REALTIME_HEALTH", "yolo=http://127.0.0.1:8001,llm=http://127.0.0.1:8002",
                "REALTIME_CONNECTION_RATE", "7",
                "REALTIME_LOG_LEVEL", "DEBUG"));

    assertThat(options.port()).isEqualTo(9000);
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.redisUri()).isEqualTo("redis://127.0.0.1:6390");
    assertThat(options.statusInterval()).isEqualTo(Duration.ofMillis(750));
    assertThat(options.instanceId()).isEqualTo("node-env");
    assertThat(options.simulator()).isFalse();
    assertThat(options.trustedProxies()).containsExactly("10.0.0.2", "10.0.0.0/8");
    assertThat(options.aiHealth()).containsOnlyKeys("yolo", "llm");
    assertThat(options.connectionRate()).isEqualTo(7);
    assertThat(options.logLevel()).isEqualTo("debug");
    assertThat(options.request()).isEqualTo(LauncherOptions.Request.RUN);
  }

  @Test
  void theCommandLineWinsOverTheEnvironmentAndDefaultsFillTheRest() {
    LauncherOptions options =
        LauncherOptions.parse(
            Map.of("REALTIME_PORT", "9000", "REALTIME_HOST", "127.0.0.1"), "--port", "9100");

    assertThat(options.port()).isEqualTo(9100);
    assertThat(options.host()).isEqualTo("127.0.0.1");
    LauncherOptions defaults = LauncherOptions.parse(Map.of());
    assertThat(defaults.port()).isEqualTo(8080);
    assertThat(defaults.host()).isEqualTo("0.0.0.0");
    assertThat(defaults.logLevel()).isEqualTo("info");
    assertThat(defaults.simulator()).isTrue();
  }

  @Test
  void aBadValueNamesWhereItCameFrom() {
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of("REALTIME_PORT", "eighty")))
        .hasMessage("REALTIME_PORT must be from 0 to 65535, got 'eighty'");
    assertThatThrownBy(
            () -> LauncherOptions.parse(Map.of("REALTIME_PORT", "9000"), "--port", "eighty"))
        .hasMessage("--port must be from 0 to 65535, got 'eighty'");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--log-level", "loud"))
        .hasMessage("--log-level must be one of error, warn, info, debug, trace, got 'loud'");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--host", "not an address"))
        .hasMessageStartingWith("--host must be an IP address or a host name");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--port"))
        .hasMessageContaining("--port")
        .hasMessageEndingWith("(see --help)");
  }

  @Test
  void helpAndVersionAreAnsweredEvenWhenAVariableIsBad() {
    Map<String, String> bad = Map.of("REALTIME_PORT", "eighty");

    assertThat(LauncherOptions.parse(bad, "--help").request())
        .isEqualTo(LauncherOptions.Request.HELP);
    assertThat(LauncherOptions.parse(bad, "-h").request()).isEqualTo(LauncherOptions.Request.HELP);
    assertThat(LauncherOptions.parse(bad, "--version").request())
        .isEqualTo(LauncherOptions.Request.VERSION);
    assertThat(LauncherOptions.version()).startsWith("realtime-standalone ");
  }

  @Test
  void theHelpNamesEveryFlagsEnvironmentVariable() {
    String usage = LauncherOptions.usage();
    CommandSpec spec =
        LauncherCommand.commandLine(new LauncherCommand(), Map.of()).getCommandSpec();

    assertThat(spec.options()).hasSizeGreaterThan(20);
    for (OptionSpec option : spec.options()) {
      String flag = option.longestName();
      assertThat(usage).contains(flag);
      if (!option.usageHelp() && !option.versionHelp()) {
        assertThat(usage).as(flag).contains(LauncherCommand.variable(flag));
      }
    }
    assertThat(usage)
        .contains("REALTIME_PORT", "REALTIME_REDIS", "REALTIME_API_KEY_FILE", "PGPASSWORD");
  }

  @Test
  void secretsFromTheEnvironmentMayComeFromFilesButNotBothWays(@TempDir Path dir) throws Exception {
    Path keys = Files.writeString(dir.resolve("keys"), "k1\nk2\n");
    Path token = Files.writeString(dir.resolve("token"), "t1\n");

    LauncherOptions options =
        LauncherOptions.parse(
            Map.of(
                "REALTIME_API_KEY_FILE", keys.toString(), "REALTIME_TOKEN_FILE", token.toString()));

    assertThat(options.apiKeys()).containsExactly("k1", "k2");
    assertThat(options.token()).isEqualTo("t1");
    assertThat(options.secretsOnCommandLine()).isFalse();
    assertThatThrownBy(
            () ->
                LauncherOptions.parse(
                    Map.of("REALTIME_TOKEN", "x", "REALTIME_TOKEN_FILE", token.toString())))
        .hasMessage("set REALTIME_TOKEN or REALTIME_TOKEN_FILE, not both");
    assertThat(LauncherOptions.parse(Map.of(), "--token", "t").secretsOnCommandLine()).isTrue();
  }

  @Test
  void hostileValuesGetOneLineThatEchoesNoSecret() {
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--api-key", "k1", "-s3cr3tKEY"))
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--no-simulator=s3cr3t"))
        .hasMessageNotContaining("s3cr3t")
        .hasMessageContaining("--no-simulator");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--help=s3cr3t"))
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--token", "a", "--token", "s3cr3t"))
        .hasMessageNotContaining("s3cr3t")
        .hasMessageContaining("--token");
    assertThatThrownBy(
            () -> LauncherOptions.parse(Map.of(), "--postgres", "jdbc:postgresql://u:s3cr3t@h/db"))
        .hasMessageNotContaining("s3cr3t")
        .hasMessageContaining("--postgres")
        .hasMessageContaining("PGPASSWORD");
    assertThat(PostgresConnections.redact("jdbc:postgresql://u:s3cr3t@h/db"))
        .isEqualTo("jdbc:postgresql://u:****@h/db");
  }

  @Test
  void outOfRangeValuesAreUsageErrorsNotCrashes() {
    assertThatThrownBy(
            () -> LauncherOptions.parse(Map.of(), "--ping-interval", "9223372036854775807m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--ping-interval must be a duration");
    assertThatThrownBy(
            () -> LauncherOptions.parse(Map.of("REALTIME_IDLE_TIMEOUT", "999999999999999999m")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("REALTIME_IDLE_TIMEOUT must be a duration");
    for (String host : List.of("999.1.1.1", ":::::", "10.0.0", "-x")) {
      assertThatThrownBy(() -> LauncherOptions.parse(Map.of(), "--host", host))
          .as(host)
          .hasMessageStartingWith("--host must be an IP address or a host name");
    }
  }

  @Test
  void switchesAndListsFromTheEnvironmentAreCheckedAndNamed() {
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of("REALTIME_NO_SIMULATOR", "maybe")))
        .hasMessage("REALTIME_NO_SIMULATOR must be true or false, got 'maybe'");
    assertThat(LauncherOptions.parse(Map.of("REALTIME_NO_SIMULATOR", "false")).simulator())
        .isTrue();
    assertThat(LauncherOptions.parse(Map.of("REALTIME_NO_SIMULATOR", "maybe"), "--help").request())
        .isEqualTo(LauncherOptions.Request.HELP);
    // A comma splits a list only in a variable: on the command line it may belong to a URL.
    assertThat(
            LauncherOptions.parse(Map.of(), "--health", "a=http://h/x?q=1,2").aiHealth().get("a"))
        .hasToString("http://h/x?q=1,2");
    assertThat(LauncherOptions.parse(Map.of("REALTIME_INSTANCE_ID", "bad id")).fromEnvironment())
        .containsExactly("--instance-id");
    assertThatThrownBy(() -> LauncherOptions.parse(Map.of("REALTIME_TOKEN", " ")))
        .hasMessage("REALTIME_TOKEN is set but blank: unset it, or give the token");
    assertThat(
            LauncherOptions.parse(Map.of("REALTIME_PORTS", "1", "REALTIME_PORT", "2"))
                .unknownVariables())
        .containsExactly("REALTIME_PORTS");
  }

  @Test
  void theHelpIsFormatted() {
    String usage = LauncherOptions.usage();

    assertThat(usage).startsWith("Usage: java -jar realtime-standalone.jar").doesNotContain("%n");
    assertThat(usage.lines().filter(line -> line.contains("Usage:"))).hasSize(1);
  }
}
