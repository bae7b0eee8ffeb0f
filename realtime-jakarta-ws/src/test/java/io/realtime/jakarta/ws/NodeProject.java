package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The JavaScript package as a user gets it: {@code npm pack} of the client's directory in the built
 * jar ({@code target/classes/META-INF/resources/realtime}), installed from the tarball into a fresh
 * project under {@code target/js-it/project} together with the test-only tools pinned in {@code
 * src/test/js/it/package.json} (TypeScript, React, react-dom, jsdom, ws) from the npm registry.
 * Node and npm are required: {@code .ci/run} installs them when missing.
 */
final class NodeProject {

  private static final Path PACKAGE =
      Path.of("target", "classes", "META-INF", "resources", "realtime");
  private static final Path SOURCES = Path.of("src", "test", "js", "it");
  private static final Path WORK = Path.of("target", "js-it");
  private static Path project;

  private NodeProject() {}

  /**
   * Packs and installs once per JVM.
   *
   * @return the project directory, with the test scripts copied in
   */
  static synchronized Path installed() throws IOException, InterruptedException {
    if (project == null) {
      deleteTree(WORK);
      Path dir = Files.createDirectories(WORK.resolve("project"));
      String packed = run(WORK, 120, "npm", "pack", PACKAGE.toAbsolutePath().toString());
      assertThat(WORK.resolve("realtime-client-0.1.0.tgz"))
          .as("npm pack said:%n%s", packed)
          .exists();
      try (Stream<Path> files = Files.list(SOURCES)) {
        for (Path file : files.toList()) {
          Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      run(dir, 300, "npm", "install", "--no-audit", "--no-fund");
      project = dir;
    }
    return project;
  }

  /**
   * Runs a command to its end and fails the test unless it exits 0.
   *
   * @return what it printed, stdout and stderr together
   */
  static String run(Path directory, int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(Files.createDirectories(WORK), "node-", ".log");
    Process process = start(builder(directory, command).redirectOutput(log.toFile()), command);
    try {
      boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(finished)
          .as("%s finished within %d s:%n%s", command[0], timeoutSeconds, output)
          .isTrue();
      assertThat(process.exitValue())
          .as("%s in %s said:%n%s", String.join(" ", command), directory, output)
          .isZero();
      return output;
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  /** Starts a command in {@code directory}, stderr into stdout; a missing tool fails the test. */
  static Process start(Path directory, String... command) throws IOException {
    return start(builder(directory, command), command);
  }

  private static ProcessBuilder builder(Path directory, String... command) {
    return new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
  }

  private static Process start(ProcessBuilder builder, String... command) throws IOException {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          command[0] + " is missing: install Node.js and npm (.ci/run does)", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    }
    for (Path path : paths) {
      try {
        Files.delete(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
