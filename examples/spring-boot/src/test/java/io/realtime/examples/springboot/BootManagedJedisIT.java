package io.realtime.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runs the application, in its own JVM, on the Jedis Spring Boot 4.0.7 manages (7.0.0, copied to
 * {@code target/boot-managed-jedis} by the build) in place of the one this module pins: it must
 * refuse to start with the version check's one line, not a {@code NoClassDefFoundError}.
 */
class BootManagedJedisIT {

  private static final Path OLD_JEDIS = Path.of("target", "boot-managed-jedis", "jedis-7.0.0.jar");

  @Test
  void onJedis700TheApplicationStopsWithOneLineNamingTheVersionsAndTheProperty() throws Exception {
    assertThat(OLD_JEDIS).exists();
    List<String> classPath =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(
                entry -> entry.contains("jedis-8.") ? OLD_JEDIS.toAbsolutePath().toString() : entry)
            .toList();
    assertThat(classPath).contains(OLD_JEDIS.toAbsolutePath().toString());
    Process app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(File.pathSeparator, classPath),
                RealtimeApplication.class.getName(),
                "--server.port=0",
                "--realtime.redis.uri=redis://127.0.0.1:6379")
            .redirectErrorStream(true)
            .start();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> read(app));
    try {
      assertThat(app.waitFor(60, TimeUnit.SECONDS)).as("the application stops").isTrue();
    } finally {
      app.destroyForcibly();
    }
    String log = output.get(10, TimeUnit.SECONDS);
    assertThat(app.exitValue()).as(log).isNotZero();
    assertThat(log)
        .contains(
            "realtime-redis needs Jedis 8.0 or newer on the class path, found 7.0.0: depend on"
                + " redis.clients:jedis 8.0.2 (Spring Boot 4.0 manages 7.0.0: set"
                + " <jedis.version>8.0.2</jedis.version>)")
        .doesNotContain("NoClassDefFoundError");
  }

  private static String read(Process process) {
    try (InputStream in = process.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
