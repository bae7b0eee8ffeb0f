package io.realtime.metrics.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, on a free port, that the test can pause, resume and kill
 * by pid. Run as root, it runs the server as the {@code postgres} user, since PostgreSQL refuses
 * root.
 */
final class PrivatePostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private final long pid;

  private PrivatePostgres(Path dataDir, int port, long pid) {
    this.dataDir = dataDir;
    this.port = port;
    this.pid = pid;
  }

  static PrivatePostgres start() throws IOException, InterruptedException {
    Path bin = binDirectory();
    Path dir = Files.createTempDirectory("realtime-pg-");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    Path data = dir.resolve("data");
    int port = freePort();
    run(
        root,
        bin.resolve("initdb").toString(),
        "-D",
        data.toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync");
    run(
        root,
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-w",
        "-t",
        "60",
        "-l",
        dir.resolve("log").toString(),
        "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "start");
    String pid = Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim();
    return new PrivatePostgres(dir, port, Long.parseLong(pid));
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** Stops the postmaster and every backend, as a frozen host would: nothing answers. */
  void pause() throws IOException, InterruptedException {
    signalAll("STOP");
  }

  void resume() throws IOException, InterruptedException {
    signalAll("CONT");
  }

  private void signalAll(String name) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + name, Long.toString(pid)));
    ProcessHandle.of(pid)
        .ifPresent(
            postmaster ->
                postmaster.descendants().forEach(child -> command.add(Long.toString(child.pid()))));
    Process kill = new ProcessBuilder(command).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(String.join(" ", command) + " timed out");
    }
  }

  /** Immediate shutdown: the server stops at once and drops every connection. */
  void kill() throws IOException, InterruptedException {
    signalAll("CONT");
    signal("QUIT");
    ProcessHandle.of(pid).ifPresent(process -> process.onExit().join());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      kill();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + name + " " + pid + " failed");
    }
  }

  private static void run(boolean asPostgres, String... command)
      throws IOException, InterruptedException {
    List<String> line = new ArrayList<>();
    if (asPostgres) {
      line.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    line.addAll(List.of(command));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", line) + " failed:\n" + output);
    }
  }

  private static Path binDirectory() throws IOException {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(version -> version.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
          .max(Comparator.naturalOrder())
          .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
