package io.realtime.metrics.nvml;

import io.realtime.internal.util.Durations;
import io.realtime.metrics.GpuReading;
import io.realtime.metrics.MetricSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every GPU through the {@code nvidia-smi} command, the first fallback when NVML cannot be bound.
 * Without the command, or when it fails or exceeds its timeout (5 s by default), the source reports
 * absent.
 */
public final class NvidiaSmiGpuMetrics implements MetricSource<List<GpuReading>> {

  private final String command;
  private final Duration timeout;

  /**
   * Creates the source.
   *
   * @param command the command, {@code nvidia-smi} or a path to it; not blank
   * @param timeout the most time the command gets; positive
   */
  public NvidiaSmiGpuMetrics(String command, Duration timeout) {
    if (command == null || command.isBlank()) {
      throw new IllegalArgumentException("command must not be blank, got '" + command + "'");
    }
    this.command = command;
    this.timeout = Durations.requirePositive("timeout", timeout);
  }

  @Override
  public List<GpuReading> collect() throws InterruptedException {
    Process process;
    try {
      process =
          new ProcessBuilder(
                  command, "--query-gpu=" + NvidiaSmiParser.QUERY, "--format=csv,noheader,nounits")
              .redirectErrorStream(true)
              .start();
    } catch (IOException noCommand) {
      return null;
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
        return null;
      }
      List<GpuReading> readings =
          NvidiaSmiParser.parse(
              new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      return readings.isEmpty() ? null : readings;
    } catch (IOException e) {
      return null;
    } finally {
      process.destroyForcibly();
    }
  }
}
