package io.realtime.metrics.nvml;

import io.realtime.metrics.GpuReading;
import io.realtime.metrics.MetricSource;
import java.util.List;

/** Chains GPU sources: NVML, then {@code nvidia-smi}, then an AI service's {@code /health}. */
public final class GpuSources {

  private GpuSources() {}

  /**
   * Returns a source that asks each source in turn and reports the first reading; a source that
   * throws counts as absent.
   *
   * @param sources the sources, most preferred first
   * @return the chained source; absent when every source is
   */
  public static MetricSource<List<GpuReading>> firstAvailable(
      List<MetricSource<List<GpuReading>>> sources) {
    List<MetricSource<List<GpuReading>>> chain = List.copyOf(sources);
    return () -> {
      for (MetricSource<List<GpuReading>> source : chain) {
        List<GpuReading> readings;
        try {
          readings = source.collect();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        } catch (Exception e) {
          readings = null;
        }
        if (readings != null && !readings.isEmpty()) {
          return readings;
        }
      }
      return null;
    };
  }
}
