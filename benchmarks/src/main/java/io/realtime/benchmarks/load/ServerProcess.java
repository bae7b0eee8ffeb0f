package io.realtime.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A server under test in its own process (a JVM running {@link BenchServer}, for realtime, bare and
 * limit alike, or Node running the Socket.IO server), with its control API and its CPU time and
 * resident memory read from /proc.
 */
final class ServerProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(
              HttpClient.Version.HTTP_1_1) // an h2c upgrade would reach Socket.IO's upgrade handler
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  final String system;
  final WireProtocol protocol;
  final int port;
  private final Process process;

  private ServerProcess(String system, WireProtocol protocol, int port, Process process) {
    this.system = system;
    this.protocol = protocol;
    this.port = port;
    this.process = process;
  }

  /** What the harness needs to start servers. */
  record Launch(String java, Path jar, String node, Path nodeDir, Path logs) {}

  /**
   * Starts a server and waits until its control API answers.
   *
   * @param system {@code realtime}, {@code socketio}, {@code bare} or {@code limit}
   * @param redis a Redis URI for cross-instance runs, or null
   * @param channel the Redis channel of this run
   * @param pingSeconds realtime's heartbeat period
   */
  static ServerProcess start(
      Launch launch, String system, String redis, String channel, int pingSeconds)
      throws IOException, InterruptedException {
    return start(launch, system, redis, channel, pingSeconds, List.of(), List.of());
  }

  /**
   * Starts a server with more {@link BenchServer} options, e.g. {@code --status-seconds 5}, and JVM
   * options (Java systems only; the Node server ignores both).
   */
  static ServerProcess start(
      Launch launch,
      String system,
      String redis,
      String channel,
      int pingSeconds,
      List<String> options,
      List<String> jvmOptions)
      throws IOException, InterruptedException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    WireProtocol protocol;
    if (system.equals("socketio")) {
      protocol = WireProtocol.SOCKETIO;
      command.addAll(
          List.of(
              launch.node(),
              "--expose-gc",
              launch.nodeDir().resolve("socketio-server.mjs").toString(),
              Integer.toString(port)));
      if (redis != null) {
        command.add(redis);
      }
    } else {
      // bare and limit send nothing but the events: the same plain frames.
      protocol = system.equals("realtime") ? WireProtocol.REALTIME : WireProtocol.BARE;
      command.addAll(List.of(launch.java(), "-Xmx2g"));
      command.addAll(jvmOptions);
      command.addAll(
          List.of(
              "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
              "-cp",
              launch.jar().toString(),
              BenchServer.class.getName(),
              system,
              Integer.toString(port),
              "--channel",
              channel,
              "--ping-seconds",
              Integer.toString(pingSeconds)));
      if (redis != null) {
        command.addAll(List.of("--redis", redis));
      }
      command.addAll(options);
    }
    Files.createDirectories(launch.logs());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(launch.logs().resolve(system + "-" + port + ".log").toFile())
            .start();
    ServerProcess server = new ServerProcess(system, protocol, port, process);
    server.awaitReady();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(system + " server exited with " + process.exitValue());
      }
      try {
        stats(false);
        return;
      } catch (IOException e) {
        // A starting process offers nothing to wait on but its port: poll, bounded above.
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
    }
    throw new IllegalStateException(system + " server did not answer within 60 s");
  }

  private String call(String method, String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(system + " answered " + response.statusCode() + " to " + pathAndQuery);
    }
    return response.body();
  }

  void publish(int count) throws IOException, InterruptedException {
    call("POST", "/bench/publish?count=" + count);
  }

  void pace(int rate, int seconds) throws IOException, InterruptedException {
    call("POST", "/bench/pace?rate=" + rate + "&seconds=" + seconds);
  }

  /**
   * The server's own view: connections, heap bytes (after a full GC when asked) and live threads
   * (-1 where the server does not report them).
   */
  record Stats(int connections, long heapUsed, int threads) {}

  Stats stats(boolean gc) throws IOException, InterruptedException {
    JsonNode node = JSON.readTree(call("GET", "/bench/stats" + (gc ? "?gc=true" : "")));
    return new Stats(
        node.path("connections").asInt(),
        node.path("heap_used").asLong(),
        node.path("threads").asInt(-1));
  }

  /** User plus system CPU time of the process, in nanoseconds. */
  long cpuNanos() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
  }

  /** Resident memory of the process, in bytes. */
  long rssBytes() throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
