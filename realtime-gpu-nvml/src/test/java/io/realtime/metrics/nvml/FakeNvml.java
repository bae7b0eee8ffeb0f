package io.realtime.metrics.nvml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Compiles {@code src/test/c/fake_nvml.c} into a shared library with gcc; fails loudly without. */
final class FakeNvml {

  private static final Path SOURCE = Path.of("src/test/c/fake_nvml.c");

  private FakeNvml() {}

  /** The library with known values. */
  static Path working() {
    return compile("libnvidia-ml-fake.so");
  }

  /** A library whose nvmlInit_v2 fails with NVML_ERROR_DRIVER_NOT_LOADED (9). */
  static Path failingInit() {
    return compile("libnvidia-ml-noinit.so", "-DFAIL_INIT=9");
  }

  private static synchronized Path compile(String name, String... defines) {
    Path library = Path.of("target", "fake-nvml", name).toAbsolutePath();
    try {
      Files.createDirectories(library.getParent());
      List<String> command = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1"));
      command.addAll(List.of(defines));
      command.addAll(List.of("-o", library.toString(), SOURCE.toString()));
      Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        throw new IllegalStateException("gcc failed to build " + name + ":\n" + output);
      }
      return library;
    } catch (IOException e) {
      throw new IllegalStateException("gcc is required to build the fake NVML library", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
