package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.client.RealtimeClient;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.redis.RedisServer;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.test.RawWebSocketClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The deployment the architecture draws, with the shipped {@code examples/deploy/nginx.conf}:
 * Debian's nginx in front of two launchers on one private Redis, each launcher trusting nginx's
 * {@code X-Forwarded-For}. The per-address rate limit counts each client behind nginx, not nginx;
 * and a client whose instance is stopped reconnects through nginx to the other one and resyncs,
 * with every event published meanwhile delivered once, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxProxyIT {

  private static final Path CONFIG = Path.of("deploy", "nginx.conf");
  private static final Duration START = Duration.ofSeconds(30);

  /** New connections per minute per address; the limiter adds a burst of 2. */
  private static final int CONNECTION_RATE = 4;

  private static final Pattern TOTAL_CONNECTIONS =
      Pattern.compile("\"connections\":\\{\"total\":(\\d+)");

  private final LauncherProcesses launchers = new LauncherProcesses();
  private RedisServer redis;
  private Path nginxDirectory;
  private Process nginx;
  private int nginxPort;
  private final int[] instancePorts = new int[2];
  private final Process[] instances = new Process[2];

  @BeforeAll
  void start() throws Exception {
    redis = RedisServer.start();
    for (int i = 0; i < 2; i++) {
      instancePorts[i] = LauncherProcesses.freePort();
      instances[i] =
          launchers.launch(
              "--port",
              Integer.toString(instancePorts[i]),
              "--host",
              "127.0.0.1",
              "--redis",
              "redis://127.0.0.1:" + redis.port(),
              "--trusted-proxy",
              "127.0.0.1",
              "--connection-rate",
              Integer.toString(CONNECTION_RATE),
              "--instance-id",
              "node-" + i,
              "--no-simulator");
    }
    for (int port : instancePorts) {
      LauncherHttp.awaitUp(port);
    }
    nginxPort = LauncherProcesses.freePort();
    nginx = startNginx();
    await()
        .atMost(START)
        .ignoreExceptions()
        .until(() -> LauncherHttp.get(nginxPort, "/health").status() == 200);
  }

  @AfterAll
  void stop() throws Exception {
    if (nginx != null) {
      nginx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    launchers.close();
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  @Order(1)
  void theRateLimitCountsTheClientBehindNginxNotNginx() throws Exception {
    InetAddress first = InetAddress.getByName("127.0.0.2");
    int accepted = 0;
    while (opensThroughNginx(first, null)) {
      accepted++;
      assertThat(accepted).as("connections accepted from one address").isLessThan(20);
    }
    assertThat(accepted).isEqualTo(CONNECTION_RATE + 2);
    // What a client writes into X-Forwarded-For itself is not believed: it is still 127.0.0.2.
    assertThat(opensThroughNginx(first, "198.51.100.7")).isFalse();
    // Another client behind the same nginx has its own allowance.
    assertThat(opensThroughNginx(InetAddress.getByName("127.0.0.3"), null)).isTrue();
  }

  @Test
  @Order(2)
  void aClientWhoseInstanceStopsResyncsThroughNginxOnTheOtherWithNothingLost() throws Exception {
    List<Long> received = new CopyOnWriteArrayList<>();
    List<Integer> closes = new CopyOnWriteArrayList<>();
    try (RedisTransport transport =
            RedisTransport.create(
                RedisTransportConfig.builder().uri("redis://127.0.0.1:" + redis.port()).build());
        EventBroadcaster publisher =
            EventBroadcaster.builder(transport, ConnectionRegistry.builder().build()).build();
        RealtimeClient client =
            RealtimeClient.builder(URI.create("ws://127.0.0.1:" + nginxPort + "/ws/events"))
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1), 50)
                .on("event", envelope -> received.add(eventId(envelope)))
                .onDisconnect(disconnect -> closes.add(disconnect.code()))
                .build()
                .connect()) {
      publisher.start();
      await().atMost(START).until(publisher::isLive);
      await().atMost(START).until(client::isConnected);
      publish(publisher, 1, 20);
      await().atMost(START).until(() -> received.size() >= 20);

      int on = instanceWithAConnection();
      instances[on].destroy(); // SIGTERM: the instance tells its clients and stops
      List<Long> meanwhile = new ArrayList<>();
      for (long id = 21; id <= 60; id++) {
        publish(publisher, id, id);
        meanwhile.add(id);
      }
      // Then nothing more: a late duplicate would show as a 61st.
      await().during(Duration.ofSeconds(1)).atMost(START).until(() -> received.size() == 60);

      assertThat(instances[on].waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(closes).as("the stopped instance closed the socket").contains(1001);
      // Once each; not necessarily in order: RealtimeClient hands an event past a gap to the
      // application at once and the replay that fills the gap after it (docs/java-client.md).
      assertThat(received)
          .as("every event once")
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
      assertThat(totalConnections(instancePorts[1 - on])).isPositive();
    }
  }

  private static void publish(EventBroadcaster publisher, long from, long to) throws Exception {
    for (long id = from; id <= to; id++) {
      publisher
          .publish(TestEvents.event(id, "gate", "Published across a failover"))
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    }
  }

  /** Whether a WebSocket through nginx from {@code local} stays open (a refusal closes 1013). */
  private boolean opensThroughNginx(InetAddress local, String forwardedFor) throws Exception {
    RawWebSocketClient.Builder builder =
        RawWebSocketClient.builder("127.0.0.1", nginxPort).path("/ws/system").localAddress(local);
    if (forwardedFor != null) {
      builder.forwardedFor(forwardedFor);
    }
    try (RawWebSocketClient client = builder.connect()) {
      assertThat(client.upgraded()).as("upgraded through nginx").isTrue();
      // An accepted /ws/system client gets the status at once; a refused one gets a close.
      try {
        client.awaitText(text -> text.contains("\"type\":\"system_status\""), START);
        return true;
      } catch (IllegalStateException closedFirst) {
        assertThat(client.awaitClose(START).code()).as(closedFirst.getMessage()).isEqualTo(1013);
        return false;
      }
    } catch (TimeoutException e) {
      throw new AssertionError("neither a status nor a close through nginx", e);
    }
  }

  private int instanceWithAConnection() {
    List<Integer> on = new ArrayList<>();
    await()
        .atMost(START)
        .until(
            () -> {
              on.clear();
              for (int i = 0; i < 2; i++) {
                if (instances[i].isAlive() && totalConnections(instancePorts[i]) > 0) {
                  on.add(i);
                }
              }
              return on.size() == 1;
            });
    return on.get(0);
  }

  private static int totalConnections(int port) throws IOException {
    Matcher total = TOTAL_CONNECTIONS.matcher(LauncherHttp.get(port, "/health").body());
    assertThat(total.find()).isTrue();
    return Integer.parseInt(total.group(1));
  }

  private static long eventId(Envelope envelope) {
    return ((SecurityEvent) envelope.data()).id();
  }

  /**
   * Starts Debian's nginx on the shipped config, its upstream servers and listen port replaced by
   * this test's; everything else of the file is used as it is.
   */
  private Process startNginx() throws IOException {
    String shipped = Files.readString(CONFIG, StandardCharsets.UTF_8);
    String upstreams =
        "server 127.0.0.1:"
            + instancePorts[0]
            + " max_fails=1 fail_timeout=10s;\n    server 127.0.0.1:"
            + instancePorts[1]
            + " max_fails=1 fail_timeout=10s;";
    String site =
        shipped
            .replaceFirst(
                "server 10\\.0\\.0\\.11:8080[^\\n]*\\n\\s*server 10\\.0\\.0\\.12:8080[^\\n]*",
                Matcher.quoteReplacement(upstreams))
            .replaceFirst("listen 80;", "listen 127.0.0.1:" + nginxPort + ";");
    assertThat(site)
        .as("the shipped config's upstreams and listen were found")
        .contains("127.0.0.1:" + instancePorts[1], "listen 127.0.0.1:" + nginxPort);
    nginxDirectory = Files.createTempDirectory("nginx-");
    Files.writeString(nginxDirectory.resolve("realtime.conf"), site);
    // The main file a distribution ships, reduced to what a private instance needs.
    String main =
        String.join(
            "\n",
            "daemon off;",
            "worker_processes 1;",
            "pid " + nginxDirectory.resolve("nginx.pid") + ";",
            "error_log " + nginxDirectory.resolve("error.log") + " info;",
            "events { worker_connections 256; }",
            "http {",
            "  access_log " + nginxDirectory.resolve("access.log") + ";",
            "  client_body_temp_path " + nginxDirectory.resolve("client_body") + ";",
            "  proxy_temp_path " + nginxDirectory.resolve("proxy") + ";",
            "  include " + nginxDirectory.resolve("realtime.conf") + ";",
            "}",
            "");
    Files.writeString(nginxDirectory.resolve("nginx.conf"), main);
    return new ProcessBuilder(
            nginxBinary(),
            "-p",
            nginxDirectory.toString(),
            "-c",
            nginxDirectory.resolve("nginx.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(nginxDirectory.resolve("nginx.out").toFile())
        .start();
  }

  /** Debian's nginx; .ci/run installs it. Missing, the test fails: it does not skip. */
  private static String nginxBinary() {
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError("nginx is not installed (apt-get install nginx; .ci/run does)");
  }
}
