package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.realtime.examples.LauncherHttp.Frame;
import io.realtime.examples.LauncherHttp.Held;
import io.realtime.examples.LauncherHttp.Response;
import io.realtime.test.RawWebSocketClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
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
            "--port=N",
            "--redis=URI",
            "--api-key=K",
            "--token=T",
            "--status-interval=D",
            "--ping-interval=D",
            "--idle-timeout=D",
            "--instance-id=ID",
            "--no-simulator",
            "--host=ADDRESS",
            "--log-level=LEVEL",
            "--version",
            "REALTIME_PORT",
            "REALTIME_HOST",
            "--postgres=JDBC_URL",
            "--nvml-lib=PATH",
            "--health=NAME=URL",
            "--llm-slots=URL",
            "--allowed-origin=ORIGIN",
            "--trusted-proxy=ADDRESS",
            "--max-connections=N",
            "--max-connections-per-address=N",
            "--connection-rate=N",
            "--api-key-file=FILE",
            "--token-file=FILE",
            "REALTIME_API_KEY",
            "REALTIME_TOKEN",
            "PGPASSWORD");
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
    String pgPassword = secret("pg-trusted");
    Process process =
        launcher.launch(
            Map.of("PGPASSWORD", pgPassword),
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
                  m ->
                      m.contains("\"type\":\"system_status\"")
                          && m.contains("cuda:0")
                          && m.contains("\"postgresql\":\"healthy\""),
                  Duration.ofSeconds(10)))
          .contains("\"utilization\":37.0")
          .contains("\"yolo26\":\"healthy\"")
          .contains("\"nemotron\":\"healthy\"")
          .contains("\"postgresql\":\"healthy\"");
      assertNeverShown(process, pgPassword);
    } finally {
      ai.stop(0);
    }
  }

  // ---- browser origins (issue 13.5) ------------------------------------------------------------

  private static final String EVIL = "http://evil.example";
  private static final String OTHER = "http://other.example";

  private int launchAndAwait(Map<String, String> environment, String... flags) throws IOException {
    int port = freePort();
    List<String> all = new ArrayList<>(List.of("--port", Integer.toString(port)));
    all.addAll(List.of(flags));
    launcher.launch(environment, all.toArray(String[]::new));
    LauncherHttp.awaitUp(port);
    return port;
  }

  private static Frame events(int port, Map<String, String> headers) throws IOException {
    return LauncherHttp.firstFrame(port, "/ws/events", headers);
  }

  private static void assertRefused(Frame frame, int code, String reason) {
    assertThat(frame.isClose()).as("closed, not %s", frame).isTrue();
    assertThat(frame.closeCode()).isEqualTo(code);
    assertThat(frame.text()).isEqualTo(reason);
  }

  private static void assertServed(Frame frame) {
    assertThat(frame.opcode()).as("a text frame, not %s", frame).isEqualTo(Frame.TEXT);
  }

  @Test
  void browsersFromAnotherSiteAreRefusedByDefault() throws Exception {
    int port = launchAndAwait(Map.of(), "--status-interval", "500ms");

    assertRefused(events(port, Map.of("Origin", EVIL)), 1008, "Origin not allowed");
    assertRefused(
        LauncherHttp.firstFrame(port, "/ws/system", Map.of("Origin", EVIL)),
        1008,
        "Origin not allowed");
    assertServed(events(port, Map.of())); // no Origin: not a browser
    assertServed(events(port, Map.of("Origin", "http://127.0.0.1:" + port))); // same origin
  }

  @Test
  void anOversizedFrameIsRefusedAtItsHeaderWith1009() throws Exception {
    int port = launchAndAwait(Map.of());

    try (RawWebSocketClient attacker =
            RawWebSocketClient.builder("127.0.0.1", port).path("/ws/events").connect();
        RawWebSocketClient bystander =
            RawWebSocketClient.builder("127.0.0.1", port).path("/ws/events").connect()) {
      attacker.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, 4L << 20); // declares 4 MiB
      attacker.sendPayload(new byte[64 * 1024]); // sends 64 KiB of it, then stalls

      assertThat(attacker.awaitClose(Duration.ofSeconds(1)).code()).isEqualTo(1009);
      bystander.sendText("{\"type\":\"ping\"}");
      assertThat(bystander.awaitText(text -> text.contains("pong"), Duration.ofSeconds(5)))
          .as("the other client is served")
          .contains("pong");
    }
  }

  @Test
  void aSocketThatSendsNothingOrHalfARequestIsClosedAfterTheIdleTimeout() throws Exception {
    int port = launchAndAwait(Map.of(), "--idle-timeout", "1s");

    try (java.net.Socket silent = new java.net.Socket("127.0.0.1", port);
        java.net.Socket halfRequest = new java.net.Socket("127.0.0.1", port)) {
      halfRequest
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      for (java.net.Socket socket : List.of(silent, halfRequest)) {
        socket.setSoTimeout(20_000);
        assertThat(socket.getInputStream().read())
            .as("the server closes an idle socket (end of stream, not a read timeout)")
            .isEqualTo(-1);
      }
    }
  }

  @Test
  void anAllowedOriginIsLetIn() throws Exception {
    int port = launchAndAwait(Map.of(), "--allowed-origin", EVIL);

    assertServed(events(port, Map.of("Origin", EVIL)));
    assertRefused(events(port, Map.of("Origin", OTHER)), 1008, "Origin not allowed");
    assertServed(events(port, Map.of("Origin", "http://127.0.0.1:" + port)));
  }

  @Test
  void aStarAllowsEveryOrigin() throws Exception {
    int port = launchAndAwait(Map.of(), "--allowed-origin", "*");

    assertServed(events(port, Map.of("Origin", OTHER)));
    assertServed(events(port, Map.of("Origin", EVIL)));
  }

  @Test
  void anAllowedOriginWithAPathIsABadFlag() throws Exception {
    LauncherProcesses.Exit exit =
        LauncherProcesses.run(Map.of(), "--allowed-origin", "http://evil.example/page");

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.output()).contains("--allowed-origin", "http://evil.example/page");
  }

  // ---- connection caps, rate limit and trusted proxies -----------------------------------------

  @Test
  void capsCountClientsByTheAddressATrustedProxyNames() throws Exception {
    int port =
        launchAndAwait(
            Map.of(),
            "--trusted-proxy",
            "127.0.0.1",
            "--max-connections-per-address",
            "1",
            "--max-connections",
            "3");

    try (Held first = system(port, "203.0.113.7");
        Held second = system(port, "203.0.113.8")) {
      assertServed(first.first());
      assertServed(second.first());
      assertRefused(
          LauncherHttp.firstFrame(port, "/ws/system", xff("203.0.113.7")),
          1013,
          "Too many connections from this address");
      try (Held third = system(port, "203.0.113.9")) {
        assertServed(third.first());
        assertRefused(
            LauncherHttp.firstFrame(port, "/ws/system", xff("203.0.113.10")),
            1013,
            "Server at connection limit");
      }
    }
  }

  @Test
  void withoutATrustedProxyForwardedForIsNotBelieved() throws Exception {
    int port = launchAndAwait(Map.of(), "--max-connections-per-address", "1");

    try (Held first = system(port, "203.0.113.7")) {
      assertServed(first.first());
      assertRefused(
          LauncherHttp.firstFrame(port, "/ws/system", xff("203.0.113.8")),
          1013,
          "Too many connections from this address");
    }
  }

  @Test
  void theConnectionRateIsAFlag() throws Exception {
    int port = launchAndAwait(Map.of(), "--connection-rate", "1");

    for (int i = 0; i < 3; i++) { // 1 per minute plus a burst of 2
      assertServed(LauncherHttp.firstFrame(port, "/ws/system", Map.of()));
    }
    assertRefused(
        LauncherHttp.firstFrame(port, "/ws/system", Map.of()), 1013, "Too many connections");
  }

  private static Held system(int port, String forwardedFor) throws IOException {
    return LauncherHttp.open(port, "/ws/system", xff(forwardedFor));
  }

  private static Map<String, String> xff(String address) {
    return Map.of("X-Forwarded-For", address);
  }

  // ---- HTTP hygiene (issue 13.6) ---------------------------------------------------------------

  private static void assertSecurityHeaders(String target, Response response) {
    String csp = response.header("Content-Security-Policy");
    assertThat(csp).as(target).isNotNull();
    assertThat(csp.split(";\\s*"))
        .as(target)
        .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'");
    assertThat(csp).as(target).doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(response.header("X-Content-Type-Options")).as(target).isEqualTo("nosniff");
    assertThat(response.header("Referrer-Policy")).as(target).isEqualTo("no-referrer");
    assertThat(response.header("X-Frame-Options")).as(target).isEqualTo("DENY");
  }

  @Test
  void everyStaticResponseCarriesTheSecurityHeaders() throws Exception {
    int port = launchAndAwait(Map.of(), "--no-simulator");

    Map<String, String> served =
        Map.of(
            "/", "text/html",
            "/index.html", "text/html",
            "/dashboard.js", "text/javascript",
            "/dashboard.css", "text/css",
            "/realtime/realtime-client.js", "text/javascript");
    for (Map.Entry<String, String> asset : served.entrySet()) {
      Response response = LauncherHttp.get(port, asset.getKey());
      assertThat(response.status()).as(asset.getKey()).isEqualTo(200);
      assertThat(response.header("Content-Type")).as(asset.getKey()).startsWith(asset.getValue());
      assertSecurityHeaders(asset.getKey(), response);
    }
    assertThat(LauncherHttp.get(port, "/").body()).contains("<title>realtime dashboard</title>");
    Response missing = LauncherHttp.get(port, "/no-such-file.js");
    assertThat(missing.status()).isEqualTo(404);
    assertSecurityHeaders("404", missing);
    Response head = LauncherHttp.request(port, "HEAD", "/dashboard.js");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertSecurityHeaders("HEAD", head);
    Response post = LauncherHttp.request(port, "POST", "/");
    assertThat(post.status()).isEqualTo(405);
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
    assertSecurityHeaders("POST", post);
  }

  @Test
  void badPathsGetAPlainClientErrorWithoutAStackTrace() throws Exception {
    int port = launchAndAwait(Map.of(), "--no-simulator");

    for (String target :
        List.of(
            "/%2e%2e/x",
            "/..%2f..%2fetc/passwd",
            "/../../etc/passwd",
            "/%00",
            "/%",
            "/dashboard.js%00.html",
            "/realtime/../index.html",
            "/" + "a".repeat(4_000))) {
      Response response = LauncherHttp.get(port, target);
      String name = target.length() > 40 ? target.substring(0, 40) + "..." : target;
      assertThat(response.status()).as(name).isIn(400, 404);
      assertThat(response.body())
          .as(name)
          .doesNotContain("Exception", "at org.glassfish", "Grizzly", "etc/passwd");
      assertSecurityHeaders(name, response);
    }
    // Longer than the request head may be: refused before any handler runs.
    Response huge = LauncherHttp.get(port, "/" + "a".repeat(20_000));
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.body()).doesNotContain("Exception", "at org.glassfish");
    assertThat(LauncherHttp.get(port, "/").status()).isEqualTo(200);
  }

  // ---- secrets (issue 13.6) --------------------------------------------------------------------

  private static String secret(String name) {
    return name + "-" + UUID.randomUUID();
  }

  private void assertNeverShown(Process process, String... secrets) {
    String log = launcher.log(process);
    String commandLine = LauncherProcesses.commandLine(process);
    assertThat(commandLine).contains("realtime-standalone.jar");
    for (String secret : secrets) {
      assertThat(log).as("the log").doesNotContain(secret);
      assertThat(commandLine).as("the command line").doesNotContain(secret);
    }
  }

  @Test
  void theApiKeyAndTokenMayComeFromTheEnvironment() throws Exception {
    String key = secret("env-key");
    String token = secret("env-token");
    int port = launchAndAwait(Map.of("REALTIME_API_KEY", key, "REALTIME_TOKEN", token));

    assertRefused(LauncherHttp.firstFrame(port, "/ws/system", Map.of()), 1008, "API key required");
    assertRefused(
        LauncherHttp.firstFrame(port, "/ws/system?api_key=" + key, Map.of()),
        1008,
        "Authentication token required");
    assertRefused(
        LauncherHttp.firstFrame(port, "/ws/system?api_key=wrong&token=" + token, Map.of()),
        1008,
        "Invalid API key");
    assertServed(
        LauncherHttp.firstFrame(port, "/ws/system?api_key=" + key + "&token=" + token, Map.of()));
    Process process = lastLaunched();
    assertThat(launcher.log(process)).contains("apiKeys=1", "token=****");
    assertNeverShown(process, key, token);
  }

  @Test
  void theApiKeysAndTokenMayComeFromFiles() throws Exception {
    String first = secret("file-key-1");
    String second = secret("file-key-2");
    String token = secret("file-token");
    Path keys = Files.createTempFile("keys-", ".txt");
    Files.writeString(keys, first + "\n\n  " + second + "  \n");
    Path tokenFile = Files.createTempFile("token-", ".txt");
    Files.writeString(tokenFile, token + "\n");
    int port =
        launchAndAwait(
            Map.of("REALTIME_TOKEN", "not-the-token"),
            "--api-key-file",
            keys.toString(),
            "--token-file",
            tokenFile.toString());

    for (String key : List.of(first, second)) {
      assertServed(
          LauncherHttp.firstFrame(port, "/ws/system?api_key=" + key + "&token=" + token, Map.of()));
    }
    assertRefused(
        LauncherHttp.firstFrame(port, "/ws/system?api_key=" + first, Map.of()),
        1008,
        "Authentication token required");
    Process process = lastLaunched();
    assertThat(LauncherProcesses.commandLine(process)).contains(keys.toString());
    assertThat(launcher.log(process)).contains("apiKeys=2", "token=****");
    assertNeverShown(process, first, second, token);
  }

  @Test
  void aSecretFileThatCannotBeUsedIsNamedWithoutItsContent() throws Exception {
    Path missing = Path.of("/no/such/dir/api-keys.txt");
    LauncherProcesses.Exit noFile =
        LauncherProcesses.run(Map.of(), "--api-key-file", missing.toString());
    assertThat(noFile.code()).isEqualTo(2);
    assertThat(noFile.output())
        .contains("--api-key-file", missing.toString())
        .doesNotContain("\tat ");

    Path directory = Files.createTempDirectory("not-a-file-");
    LauncherProcesses.Exit notAFile =
        LauncherProcesses.run(Map.of(), "--token-file", directory.toString());
    assertThat(notAFile.code()).isEqualTo(2);
    assertThat(notAFile.output()).contains("--token-file", directory.toString());

    Path twoLines = Files.createTempFile("token-", ".txt");
    Files.writeString(twoLines, "first-secret-line\nsecond-secret-line\n");
    LauncherProcesses.Exit ambiguous =
        LauncherProcesses.run(Map.of(), "--token-file", twoLines.toString());
    assertThat(ambiguous.code()).isEqualTo(2);
    assertThat(ambiguous.output())
        .contains("--token-file", twoLines.toString())
        .doesNotContain("secret-line");

    Path empty = Files.createTempFile("keys-", ".txt");
    LauncherProcesses.Exit noKey =
        LauncherProcesses.run(Map.of(), "--api-key-file", empty.toString());
    assertThat(noKey.code()).isEqualTo(2);
    assertThat(noKey.output()).contains("--api-key-file", empty.toString());

    LauncherProcesses.Exit both =
        LauncherProcesses.run(
            Map.of(), "--token", "cli-secret-token", "--token-file", twoLines.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.output()).contains("--token", "--token-file").doesNotContain("secret");
  }

  @Test
  void thePostgresPasswordComesFromPgpasswordOrTheUrlAndIsNeverShown() throws Exception {
    String fromEnvironment = secret("pg-env");
    String fromUrl = secret("pg-url");
    try (FakePostgres postgres = new FakePostgres()) {
      int port =
          launchAndAwait(
              Map.of("PGPASSWORD", fromEnvironment),
              "--no-simulator",
              "--status-interval",
              "500ms",
              "--postgres",
              postgres.jdbcUrl("user=monitor"));
      Process byEnvironment = lastLaunched();
      awaitPasswordSent(port, postgres, fromEnvironment);
      assertNeverShown(byEnvironment, fromEnvironment);

      port =
          launchAndAwait(
              Map.of("PGPASSWORD", fromEnvironment),
              "--no-simulator",
              "--status-interval",
              "500ms",
              "--postgres",
              postgres.jdbcUrl("user=monitor&password=" + fromUrl));
      Process byUrl = lastLaunched();
      awaitPasswordSent(port, postgres, fromUrl);
      assertThat(launcher.log(byUrl)).contains("password=****").doesNotContain(fromUrl);
      assertThat(launcher.log(byUrl)).doesNotContain(fromEnvironment);
    }
  }

  /** Metrics are gathered while someone listens on /ws/system. */
  private static void awaitPasswordSent(int port, FakePostgres postgres, String password)
      throws Exception {
    try (LauncherClient system = LauncherClient.connect("ws://127.0.0.1:" + port + "/ws/system")) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> postgres.passwords.contains(password));
    }
  }

  private Process lastLaunched() {
    return launcher.last();
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
