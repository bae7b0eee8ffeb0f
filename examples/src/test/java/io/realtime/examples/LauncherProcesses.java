package io.realtime.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts the shaded launcher jar in its own JVM, as a newcomer runs it; kills what is left. */
final class LauncherProcesses implements AutoCloseable {

  static final Path JAR = Path.of("target", "realtime-standalone.jar");

  /** The PostgreSQL password the launcher reads; it and every REALTIME_* variable are removed. */
  private static final String POSTGRES_PASSWORD = "PGPASSWORD";

  private final List<Process> processes = new ArrayList<>();
  private final Map<Process, Path> logs = new HashMap<>();

  /** What a launcher that ran to its end printed, and its exit code. */
  record Exit(int code, String output) {}

  /** Starts the jar with these flags; its output goes to a temporary log file. */
  Process launch(String... flags) throws IOException {
    return launch(Map.of(), flags);
  }

  /** Starts the jar with these environment variables and flags. */
  Process launch(Map<String, String> environment, String... flags) throws IOException {
    Path log = Files.createTempFile("launcher-", ".log");
    Process process =
        builder(environment, flags).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    logs.put(process, log);
    return process;
  }

  /** Runs the jar to its end (within 30 s) and returns its exit code and output. */
  static Exit run(Map<String, String> environment, String... flags)
      throws IOException, InterruptedException {
    Process process = builder(environment, flags).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the launcher did not exit within 30 s:\n" + output);
      }
      return new Exit(process.exitValue(), output);
    } finally {
      process.destroyForcibly();
    }
  }

  private static ProcessBuilder builder(Map<String, String> environment, String... flags) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(flags));
    ProcessBuilder builder = new ProcessBuilder(command);
    // The launcher reads every flag from REALTIME_<FLAG>: none may leak in from the build's shell.
    builder.environment().keySet().removeIf(name -> name.startsWith("REALTIME_"));
    builder.environment().remove(POSTGRES_PASSWORD);
    builder.environment().putAll(environment);
    return builder;
  }

  /** The process launched last. */
  Process last() {
    return processes.get(processes.size() - 1);
  }

  /** What a launched process printed so far, stdout and stderr together. */
  String log(Process process) {
    try {
      return Files.readString(logs.get(process), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command line that {@code ps} shows for a running process, arguments space-separated. */
  static String commandLine(Process process) {
    try {
      byte[] line = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      return new String(line, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
  }
}
