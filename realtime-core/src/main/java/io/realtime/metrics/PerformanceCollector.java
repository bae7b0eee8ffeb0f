package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.DatabaseStats;
import io.realtime.message.payload.PerformanceUpdate.GpuPerformance;
import io.realtime.message.payload.SystemStatus;
import io.realtime.message.payload.SystemStatus.GpuStatus;
import io.realtime.metrics.alerts.AlertEvaluator;
import io.realtime.metrics.history.PerformanceHistory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a {@link MetricSnapshot} into the two periodic messages: {@code system_status} in the seed
 * document's shape and {@code performance_update} with every field of the seed document, its alerts
 * evaluated. Each performance update is kept in a {@link PerformanceHistory}. Thread-safe.
 */
public final class PerformanceCollector {

  private final AlertEvaluator alerts;
  private final PerformanceHistory history;

  /**
   * Creates a collector.
   *
   * @param alerts the alert evaluator
   * @param historyCapacity how many updates the history keeps
   */
  public PerformanceCollector(AlertEvaluator alerts, int historyCapacity) {
    this.alerts = Objects.requireNonNull(alerts, "alerts");
    this.history = new PerformanceHistory(historyCapacity);
  }

  /**
   * Creates a collector with the default thresholds and a history of 720 updates.
   *
   * @return the collector
   */
  public static PerformanceCollector defaults() {
    return new PerformanceCollector(AlertEvaluator.defaults(), PerformanceHistory.DEFAULT_CAPACITY);
  }

  /**
   * Same as {@link #defaults()}.
   *
   * @return the collector
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static PerformanceCollector withDefaults() {
    return defaults();
  }

  /**
   * Builds the performance update of a snapshot, evaluates its alerts and adds it to the history.
   *
   * @param snapshot the snapshot
   * @return the update
   */
  public PerformanceUpdate performanceUpdate(MetricSnapshot snapshot) {
    List<GpuReading> gpus = snapshot.get(MetricSection.GPUS);
    GpuPerformance gpu = gpus == null || gpus.isEmpty() ? null : gpus.get(0).toPerformance();
    PerformanceUpdate withoutAlerts =
        new PerformanceUpdate(
            snapshot.timestamp(),
            gpu,
            snapshot.aiModels(),
            snapshot.llm(),
            snapshot.get(MetricSection.INFERENCE),
            new DatabaseStats(
                snapshot.get(MetricSection.POSTGRES), snapshot.get(MetricSection.REDIS)),
            snapshot.get(MetricSection.HOST),
            snapshot.get(MetricSection.CONTAINERS),
            List.of());
    PerformanceUpdate update =
        new PerformanceUpdate(
            withoutAlerts.timestamp(),
            withoutAlerts.gpu(),
            withoutAlerts.aiModels(),
            withoutAlerts.nemotron(),
            withoutAlerts.inference(),
            withoutAlerts.databases(),
            withoutAlerts.host(),
            withoutAlerts.containers(),
            alerts.evaluate(withoutAlerts));
    history.add(update);
    return update;
  }

  /**
   * Builds the system status of a snapshot. Without a services source, services are derived from
   * the AI models' and databases' statuses.
   *
   * @param snapshot the snapshot
   * @param instance the id of this instance
   * @return the status
   */
  public static SystemStatus systemStatus(MetricSnapshot snapshot, String instance) {
    List<GpuReading> gpus = snapshot.get(MetricSection.GPUS);
    GpuStatus gpu = gpus == null || gpus.isEmpty() ? null : gpus.get(0).toStatus();
    Map<String, String> services =
        snapshot.has(MetricSection.SERVICES)
            ? snapshot.get(MetricSection.SERVICES)
            : derivedServices(snapshot);
    return new SystemStatus(
        gpu,
        snapshot.get(MetricSection.QUEUES),
        snapshot.get(MetricSection.CAMERAS),
        services,
        instance);
  }

  private static Map<String, String> derivedServices(MetricSnapshot snapshot) {
    Map<String, String> services = new LinkedHashMap<>();
    snapshot.aiModels().forEach((name, status) -> services.put(name, status.status()));
    if (snapshot.has(MetricSection.POSTGRES) && snapshot.get(MetricSection.POSTGRES) != null) {
      services.put("postgresql", snapshot.get(MetricSection.POSTGRES).status());
    }
    if (snapshot.has(MetricSection.REDIS) && snapshot.get(MetricSection.REDIS) != null) {
      services.put("redis", snapshot.get(MetricSection.REDIS).status());
    }
    return services;
  }

  /**
   * Returns the history of performance updates.
   *
   * @return the history
   */
  public PerformanceHistory history() {
    return history;
  }

  /**
   * Returns the alert evaluator.
   *
   * @return the evaluator
   */
  public AlertEvaluator alertEvaluator() {
    return alerts;
  }
}
