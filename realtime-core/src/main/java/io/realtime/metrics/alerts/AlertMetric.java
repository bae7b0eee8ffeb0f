package io.realtime.metrics.alerts;

import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.LatencyStats;
import java.util.function.Function;

/**
 * The metrics {@link AlertEvaluator} watches, with the original system's thresholds: those of the
 * seed document's table and those the original defined but never evaluated.
 */
public enum AlertMetric {
  /** GPU temperature in °C. */
  GPU_TEMPERATURE(
      "gpu_temperature",
      Direction.ABOVE,
      75,
      85,
      "GPU temperature",
      "C",
      u -> u.gpu() == null ? null : toDouble(u.gpu().temperature())),
  /** GPU utilization in %. */
  GPU_UTILIZATION(
      "gpu_utilization",
      Direction.ABOVE,
      90,
      98,
      "GPU utilization",
      "%",
      u -> u.gpu() == null ? null : u.gpu().utilization()),
  /** GPU memory used, in % of total. */
  GPU_VRAM(
      "gpu_vram",
      Direction.ABOVE,
      90,
      95,
      "GPU memory usage",
      "%",
      u -> u.gpu() == null ? null : percent(u.gpu().vramUsedGb(), u.gpu().vramTotalGb())),
  /** GPU power draw in W. */
  GPU_POWER(
      "gpu_power",
      Direction.ABOVE,
      300,
      350,
      "GPU power draw",
      "W",
      u -> u.gpu() == null ? null : toDouble(u.gpu().powerWatts())),
  /** Host CPU in %. */
  HOST_CPU(
      "host_cpu",
      Direction.ABOVE,
      80,
      95,
      "Host CPU usage",
      "%",
      u -> u.host() == null ? null : u.host().cpuPercent()),
  /** Host RAM used, in % of total. */
  HOST_RAM(
      "host_ram",
      Direction.ABOVE,
      85,
      95,
      "Host memory usage",
      "%",
      u -> u.host() == null ? null : percent(u.host().ramUsedGb(), u.host().ramTotalGb())),
  /** Host disk used, in % of total. */
  HOST_DISK(
      "host_disk",
      Direction.ABOVE,
      80,
      90,
      "Host disk usage",
      "%",
      u -> u.host() == null ? null : percent(u.host().diskUsedGb(), u.host().diskTotalGb())),
  /** PostgreSQL buffer cache hit ratio in %; alerts when below. */
  PG_CACHE_HIT(
      "pg_cache_hit",
      Direction.BELOW,
      90,
      80,
      "PostgreSQL cache hit ratio",
      "%",
      u -> u.databases().postgresql() == null ? null : u.databases().postgresql().cacheHitRatio()),
  /** PostgreSQL connections in use, in % of the server's limit. */
  PG_CONNECTIONS(
      "pg_connections",
      Direction.ABOVE,
      80,
      95,
      "PostgreSQL connections",
      "%",
      u ->
          u.databases().postgresql() == null
              ? null
              : percent(
                  toDouble(u.databases().postgresql().connectionsActive()),
                  toDouble(u.databases().postgresql().connectionsMax()))),
  /** Redis keyspace hit ratio in %; alerts when below. No traffic means no ratio and no alert. */
  REDIS_HIT_RATIO(
      "redis_hit_ratio",
      Direction.BELOW,
      50,
      10,
      "Redis hit ratio",
      "%",
      u -> u.databases().redis() == null ? null : u.databases().redis().hitRatio()),
  /** Redis memory in MiB. */
  REDIS_MEMORY(
      "redis_memory",
      Direction.ABOVE,
      100,
      500,
      "Redis memory",
      "MB",
      u -> u.databases().redis() == null ? null : u.databases().redis().memoryMb()),
  /** Detector latency p95 in ms. */
  DETECTOR_LATENCY_P95(
      "yolo26_latency_p95",
      Direction.ABOVE,
      200,
      500,
      "Detector latency p95",
      "ms",
      u -> u.inference() == null ? null : p95(u.inference().yolo26LatencyMs())),
  /** LLM latency p95 in ms. */
  LLM_LATENCY_P95(
      "nemotron_latency_p95",
      Direction.ABOVE,
      10_000,
      30_000,
      "LLM latency p95",
      "ms",
      u -> u.inference() == null ? null : p95(u.inference().nemotronLatencyMs()));

  /** Which side of a threshold is bad. */
  public enum Direction {
    /** A value at or above the threshold alerts. */
    ABOVE,
    /** A value below the threshold alerts (hit ratios). */
    BELOW
  }

  private final String wireName;
  private final Direction direction;
  private final double defaultWarning;
  private final double defaultCritical;
  private final String label;
  private final String unit;
  private final Function<PerformanceUpdate, Double> extractor;

  AlertMetric(
      String wireName,
      Direction direction,
      double defaultWarning,
      double defaultCritical,
      String label,
      String unit,
      Function<PerformanceUpdate, Double> extractor) {
    this.wireName = wireName;
    this.direction = direction;
    this.defaultWarning = defaultWarning;
    this.defaultCritical = defaultCritical;
    this.label = label;
    this.unit = unit;
    this.extractor = extractor;
  }

  /**
   * Returns the metric's name in alerts, for example {@code gpu_temperature}.
   *
   * @return the name
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Returns which side of the thresholds alerts.
   *
   * @return the direction
   */
  public Direction direction() {
    return direction;
  }

  /**
   * Returns the default thresholds.
   *
   * @return the thresholds
   */
  public AlertThreshold defaultThreshold() {
    return new AlertThreshold(this, defaultWarning, defaultCritical);
  }

  String label() {
    return label;
  }

  String unit() {
    return unit;
  }

  /** Reads the metric from an update; {@code null} when it has no meaningful value. */
  Double read(PerformanceUpdate update) {
    return extractor.apply(update);
  }

  private static Double toDouble(Number number) {
    return number == null ? null : number.doubleValue();
  }

  /** A share in percent; {@code null} without a positive total, never a made-up 0 %. */
  private static Double percent(Double used, Double total) {
    if (used == null || total == null || total <= 0) {
      return null;
    }
    return used / total * 100.0;
  }

  private static Double p95(LatencyStats stats) {
    return stats == null ? null : stats.p95();
  }
}
