package io.realtime.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A private redis-server for tests that kill, pause or restart Redis: it runs on a free port, and
 * is stopped by its pid, never touching the machine's shared Redis.
 */
public final class RedisServer implements AutoCloseable {

  private final int port;
  private final Path dir;
  private final List<String> extraArgs;
  private final Path configFile;
  private Process process;

  private RedisServer(int port, List<String> extraArgs) throws IOException {
    this.port = port;
    this.dir = Files.createTempDirectory("realtime-redis-");
    this.extraArgs = extraArgs;
    this.configFile = null;
  }

  private RedisServer(int port, List<String> extraArgs, Path configFile) {
    this.port = port;
    this.dir = configFile.getParent();
    this.extraArgs = extraArgs;
    this.configFile = configFile;
  }

  /** Starts a Sentinel monitoring {@code master} on {@code masterPort}, quorum 1. */
  static RedisServer startSentinel(String master, int masterPort) throws IOException {
    int port = freePort();
    Path dir = Files.createTempDirectory("realtime-sentinel-");
    Path conf = dir.resolve("sentinel.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "port " + port,
            "bind 127.0.0.1",
            "dir " + dir,
            "sentinel monitor " + master + " 127.0.0.1 " + masterPort + " 1",
            "sentinel down-after-milliseconds " + master + " 1000",
            "sentinel failover-timeout " + master + " 5000",
            "sentinel parallel-syncs " + master + " 1",
            ""));
    RedisServer sentinel = new RedisServer(port, List.of("--sentinel"), conf);
    sentinel.launch();
    return sentinel;
  }

  public static RedisServer start(String... extraArgs) throws IOException {
    RedisServer server = new RedisServer(freePort(), List.of(extraArgs));
    server.launch();
    return server;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path dir() {
    return dir;
  }

  public void launch() throws IOException {
    List<String> command = new ArrayList<>();
    command.add("redis-server");
    if (configFile != null) {
      command.add(configFile.toString());
    } else {
      command.addAll(
          List.of(
              "--port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "--save",
              "",
              "--appendonly",
              "no",
              "--dir",
              dir.toString(),
              "--daemonize",
              "no"));
    }
    command.addAll(extraArgs);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    awaitAnswering();
  }

  public void awaitAnswering() {
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
                return "PONG".equals(jedis.ping());
              }
            });
  }

  /** SIGKILL: the server dies at once, connections reset. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGSTOP: the server hangs, connections stay open and silent. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
    }
  }

  @Override
  public void close() throws IOException {
    if (process != null && process.isAlive()) {
      try {
        signal("CONT");
        process.destroyForcibly().waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * SIGKILL, then relaunch from the last {@code SAVE}d {@code dump.rdb} in this server's directory
   * (launched with {@code --save ''} and no AOF, so nothing written after the SAVE survives): Redis
   * comes back with older data, as after a restore or a lagging replica's promotion.
   */
  public void restartFromSnapshot() throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve("dump.rdb"))) {
      throw new IllegalStateException("no dump.rdb in " + dir + ": SAVE first");
    }
    kill();
    launch();
  }

  /**
   * Launches after deleting any {@code dump.rdb} a {@code SAVE} left: Redis comes back empty.
   *
   * @throws IOException if the file cannot be deleted or the server cannot start
   */
  public void launchEmpty() throws IOException {
    Files.deleteIfExists(dir.resolve("dump.rdb"));
    launch();
  }
}
