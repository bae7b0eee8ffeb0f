package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate.GpuPerformance;
import io.realtime.message.payload.SystemStatus.GpuStatus;

/**
 * One GPU, as a GPU source reads it. Every field but the index may be {@code null} when the device
 * does not report it.
 *
 * @param index the device index
 * @param name the device name
 * @param utilization utilization in percent
 * @param memoryUsedBytes memory used in bytes
 * @param memoryTotalBytes total memory in bytes
 * @param temperature temperature in degrees Celsius
 * @param powerWatts power draw in watts
 */
public record GpuReading(
    int index,
    String name,
    Double utilization,
    Long memoryUsedBytes,
    Long memoryTotalBytes,
    Double temperature,
    Double powerWatts) {

  private static final double BYTES_PER_MIB = 1024.0 * 1024.0;
  private static final double BYTES_PER_GIB = 1024.0 * 1024.0 * 1024.0;

  /**
   * Returns the reading in the shape of {@code system_status.gpu}: memory in MiB.
   *
   * @return the status section
   */
  public GpuStatus toStatus() {
    return new GpuStatus(
        name,
        utilization,
        memoryUsedBytes == null ? null : Math.round(memoryUsedBytes / BYTES_PER_MIB),
        memoryTotalBytes == null ? null : Math.round(memoryTotalBytes / BYTES_PER_MIB),
        temperature,
        powerWatts);
  }

  /**
   * Returns the reading in the shape of {@code performance_update.gpu}: VRAM in GB (two decimals),
   * whole degrees and watts.
   *
   * @return the performance section
   */
  public GpuPerformance toPerformance() {
    return new GpuPerformance(
        name,
        utilization,
        memoryUsedBytes == null ? null : round2(memoryUsedBytes / BYTES_PER_GIB),
        memoryTotalBytes == null ? null : round2(memoryTotalBytes / BYTES_PER_GIB),
        temperature == null ? null : (int) Math.round(temperature),
        powerWatts == null ? null : (int) Math.round(powerWatts));
  }

  private static double round2(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
