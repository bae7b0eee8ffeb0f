package io.realtime.examples;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the shaded launcher jar in its own JVM, as a newcomer runs it; kills what is left. */
final class LauncherProcesses implements AutoCloseable {

  static final Path JAR = Path.of("target", "realtime-standalone.jar");
  private final List<Process> processes = new ArrayList<>();

  /** Starts the jar with these flags; its output goes to a temporary log file. */
  Process launch(String... flags) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(flags));
    Path log = Files.createTempFile("launcher-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(process);
    return process;
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
