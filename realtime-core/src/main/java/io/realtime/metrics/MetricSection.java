package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.message.payload.PerformanceUpdate.ContainerHealth;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.PerformanceUpdate.InferenceStats;
import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.message.payload.SystemStatus.QueueDepths;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A section of the status that one {@link MetricSource} fills, with what it becomes when its source
 * fails.
 *
 * @param <T> the section's type
 */
public final class MetricSection<T> {

  private static final String UNREACHABLE = "unreachable";

  /** Every GPU, first the one shown in {@code system_status}; {@code null} on failure. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final MetricSection<List<GpuReading>> GPUS =
      new MetricSection<>("gpus", (Class) List.class, null);

  /** The pipeline queue depths; {@code null} on failure. */
  public static final MetricSection<QueueDepths> QUEUES =
      new MetricSection<>("queues", QueueDepths.class, null);

  /** The camera counts; {@code null} on failure. */
  public static final MetricSection<CameraCounts> CAMERAS =
      new MetricSection<>("cameras", CameraCounts.class, null);

  /** Service name to health, for {@code system_status.services}; {@code null} on failure. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final MetricSection<Map<String, String>> SERVICES =
      new MetricSection<>("services", (Class) Map.class, null);

  /** Inference latency, throughput and queues; {@code null} on failure. */
  public static final MetricSection<InferenceStats> INFERENCE =
      new MetricSection<>("inference", InferenceStats.class, null);

  /** PostgreSQL; {@code {"status":"unreachable"}} on failure. */
  public static final MetricSection<PostgresStats> POSTGRES =
      new MetricSection<>(
          "postgresql",
          PostgresStats.class,
          new PostgresStats(UNREACHABLE, null, null, null, null));

  /** Redis; {@code {"status":"unreachable"}} on failure. */
  public static final MetricSection<RedisStats> REDIS =
      new MetricSection<>(
          "redis", RedisStats.class, new RedisStats(UNREACHABLE, null, null, null, null));

  /** The host; {@code null} on failure. */
  public static final MetricSection<HostStats> HOST =
      new MetricSection<>("host", HostStats.class, null);

  /** The monitored containers; {@code null} on failure. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static final MetricSection<List<ContainerHealth>> CONTAINERS =
      new MetricSection<>("containers", (Class) List.class, null);

  private final String name;
  private final Class<T> type;
  private final T onFailure;

  private MetricSection(String name, Class<T> type, T onFailure) {
    this.name = name;
    this.type = type;
    this.onFailure = onFailure;
  }

  /**
   * Returns the section of one AI model, keyed by its name in {@code ai_models}; on failure {@code
   * {"status":"unreachable","model":name}}.
   *
   * @param model the model's name, for example {@code yolo26}
   * @return the section
   */
  public static MetricSection<AiModelStatus> aiModel(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank, got '" + model + "'");
    }
    return new MetricSection<>(
        "ai_models." + model,
        AiModelStatus.class,
        new AiModelStatus(UNREACHABLE, null, model, null, null, null, null));
  }

  /**
   * Returns the section's name, for example {@code postgresql} or {@code ai_models.yolo26}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the type of the section's value.
   *
   * @return the type
   */
  public Class<T> type() {
    return type;
  }

  /**
   * Returns what the section becomes when its source fails.
   *
   * @return the failure value, possibly {@code null}
   */
  public T onFailure() {
    return onFailure;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MetricSection<?> section && section.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
