package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The data of a {@code performance_update} message, with every field of the seed document. A
 * section whose source is absent or failed is {@code null}; {@code ai_models} and {@code databases}
 * are objects and {@code containers} and {@code alerts} arrays, possibly empty.
 *
 * @param timestamp when the update was generated
 * @param gpu GPU metrics, or {@code null}
 * @param aiModels AI model metrics keyed by model name ({@code yolo26}, {@code nemotron})
 * @param nemotron the LLM's metrics (slots, context size), or {@code null}
 * @param inference latency percentiles and throughput, or {@code null}
 * @param databases database metrics
 * @param host host metrics, or {@code null}
 * @param containers the monitored containers' health
 * @param alerts the active alerts
 */
@JsonPropertyOrder({
  "timestamp",
  "gpu",
  "ai_models",
  "nemotron",
  "inference",
  "databases",
  "host",
  "containers",
  "alerts"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PerformanceUpdate(
    Instant timestamp,
    GpuPerformance gpu,
    Map<String, AiModelStatus> aiModels,
    AiModelStatus nemotron,
    InferenceStats inference,
    DatabaseStats databases,
    HostStats host,
    List<ContainerHealth> containers,
    List<PerformanceAlert> alerts) {
  /**
   * Validates the components.
   *
   * @param timestamp when the update was generated
   * @param gpu GPU metrics, or {@code null}
   * @param aiModels AI model metrics keyed by model name ({@code yolo26}, {@code nemotron})
   * @param nemotron the LLM's metrics (slots, context size), or {@code null}
   * @param inference latency percentiles and throughput, or {@code null}
   * @param databases database metrics
   * @param host host metrics, or {@code null}
   * @param containers the monitored containers' health
   * @param alerts the active alerts
   */
  public PerformanceUpdate {
    Objects.requireNonNull(timestamp, "timestamp");
    aiModels =
        aiModels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(aiModels));
    databases = databases == null ? new DatabaseStats(null, null) : databases;
    containers = containers == null ? List.of() : List.copyOf(containers);
    alerts = alerts == null ? List.of() : List.copyOf(alerts);
  }

  /**
   * GPU metrics.
   *
   * @param name the device name
   * @param utilization utilization in percent
   * @param vramUsedGb VRAM used in GB
   * @param vramTotalGb total VRAM in GB
   * @param temperature temperature in degrees Celsius
   * @param powerWatts power draw in watts
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record GpuPerformance(
      String name,
      Double utilization,
      Double vramUsedGb,
      Double vramTotalGb,
      Integer temperature,
      Integer powerWatts) {}

  /**
   * One AI model's metrics. A detector reports status, VRAM, model and device; an LLM reports
   * status, slots and context size. Unset fields are left out of the JSON.
   *
   * @param status {@code "healthy"}, {@code "unhealthy"} or {@code "unreachable"}
   * @param vramGb VRAM used by the model in GB
   * @param model the model name or variant
   * @param device the device, for example {@code "cuda:0"}
   * @param slotsActive active inference slots
   * @param slotsTotal total inference slots
   * @param contextSize the context window in tokens
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "status",
    "vram_gb",
    "model",
    "device",
    "slots_active",
    "slots_total",
    "context_size"
  })
  public record AiModelStatus(
      String status,
      Double vramGb,
      String model,
      String device,
      Integer slotsActive,
      Integer slotsTotal,
      Integer contextSize) {

    /**
     * Creates a detector's metrics.
     *
     * @param status the health status
     * @param vramGb VRAM used in GB
     * @param model the model name
     * @param device the device
     * @return the metrics
     */
    public static AiModelStatus detector(
        String status, double vramGb, String model, String device) {
      return new AiModelStatus(status, vramGb, model, device, null, null, null);
    }

    /**
     * Creates an LLM's metrics.
     *
     * @param status the health status
     * @param slotsActive active slots
     * @param slotsTotal total slots
     * @param contextSize context window in tokens
     * @return the metrics
     */
    public static AiModelStatus llm(
        String status, int slotsActive, int slotsTotal, int contextSize) {
      return new AiModelStatus(status, null, null, null, slotsActive, slotsTotal, contextSize);
    }
  }

  /**
   * Inference latency and throughput.
   *
   * @param yolo26LatencyMs detector latency
   * @param nemotronLatencyMs LLM latency
   * @param pipelineLatencyMs whole-pipeline latency (no p99)
   * @param throughput processing rates
   * @param queues queue depths
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record InferenceStats(
      LatencyStats yolo26LatencyMs,
      LatencyStats nemotronLatencyMs,
      LatencyStats pipelineLatencyMs,
      Throughput throughput,
      InferenceQueues queues) {}

  /**
   * Latency statistics in milliseconds; {@code p99} is left out of the JSON when unset.
   *
   * @param avg the mean
   * @param p95 the 95th percentile
   * @param p99 the 99th percentile, or {@code null}
   */
  @JsonPropertyOrder({"avg", "p95", "p99"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LatencyStats(Double avg, Double p95, Double p99) {}

  /**
   * Processing rates.
   *
   * @param imagesPerMin images processed per minute
   * @param eventsPerMin events created per minute
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Throughput(Double imagesPerMin, Double eventsPerMin) {}

  /**
   * Inference queue depths.
   *
   * @param detection items waiting for detection
   * @param analysis batches waiting for analysis
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record InferenceQueues(Long detection, Long analysis) {}

  /**
   * Database metrics keyed by database.
   *
   * @param postgresql PostgreSQL metrics, or {@code null}
   * @param redis Redis metrics, or {@code null}
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record DatabaseStats(PostgresStats postgresql, RedisStats redis) {}

  /**
   * PostgreSQL metrics. Unset fields are left out of the JSON, so an unreachable server reads
   * {@code {"status":"unreachable"}}.
   *
   * @param status {@code "healthy"} or {@code "unreachable"}
   * @param connectionsActive connections running a query
   * @param connectionsMax the server's connection limit
   * @param cacheHitRatio buffer cache hit ratio in percent
   * @param transactionsPerMin commits and rollbacks per minute
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PostgresStats(
      String status,
      Integer connectionsActive,
      Integer connectionsMax,
      Double cacheHitRatio,
      Double transactionsPerMin) {}

  /**
   * Redis metrics. Unset fields are left out of the JSON, so an unreachable server reads {@code
   * {"status":"unreachable"}}; {@code hit_ratio} is unset when there was no traffic.
   *
   * @param status {@code "healthy"} or {@code "unreachable"}
   * @param connectedClients connected clients
   * @param memoryMb memory used in MiB
   * @param hitRatio keyspace hit ratio in percent
   * @param blockedClients clients blocked on a command
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RedisStats(
      String status,
      Integer connectedClients,
      Double memoryMb,
      Double hitRatio,
      Integer blockedClients) {}

  /**
   * Host metrics.
   *
   * @param cpuPercent CPU utilization in percent
   * @param ramUsedGb RAM used in GB
   * @param ramTotalGb total RAM in GB
   * @param diskUsedGb disk used in GB
   * @param diskTotalGb disk size in GB
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record HostStats(
      Double cpuPercent,
      Double ramUsedGb,
      Double ramTotalGb,
      Double diskUsedGb,
      Double diskTotalGb) {}

  /**
   * One container's health.
   *
   * @param name the container name
   * @param status {@code "running"}, {@code "stopped"}, {@code "restarting"} or {@code "unknown"}
   * @param health {@code "healthy"}, {@code "unhealthy"} or {@code "starting"}
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record ContainerHealth(String name, String status, String health) {}

  /**
   * An active performance alert.
   *
   * @param severity warning or critical
   * @param metric the metric, for example {@code "gpu_temperature"}
   * @param value the metric's current value
   * @param threshold the threshold it crossed
   * @param message a human-readable message
   */
  @JsonPropertyOrder({"severity", "metric", "value", "threshold", "message"})
  public record PerformanceAlert(
      AlertSeverity severity, String metric, double value, double threshold, String message) {
    /**
     * Validates the components.
     *
     * @param severity warning or critical
     * @param metric the metric, for example {@code "gpu_temperature"}
     * @param value the metric's current value
     * @param threshold the threshold it crossed
     * @param message a human-readable message
     */
    public PerformanceAlert {
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The severity of a performance alert. */
  public enum AlertSeverity {
    /** Past the warning threshold. */
    WARNING,
    /** Past the critical threshold. */
    CRITICAL;

    /**
     * Returns the wire name.
     *
     * @return {@code "warning"} or {@code "critical"}
     */
    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
