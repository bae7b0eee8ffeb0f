package io.realtime.metrics.alerts;

import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.AlertSeverity;
import io.realtime.message.payload.PerformanceUpdate.PerformanceAlert;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a {@code performance_update} against warning and critical thresholds and returns the
 * alerts, in the order of {@link AlertMetric}: {@code {severity, metric, value, threshold,
 * message}}. A metric without a meaningful value (missing, or a share of a zero total) raises
 * nothing. Immutable and thread-safe.
 */
public final class AlertEvaluator {

  private final Map<AlertMetric, AlertThreshold> thresholds;

  private AlertEvaluator(Map<AlertMetric, AlertThreshold> thresholds) {
    this.thresholds = Collections.unmodifiableMap(new EnumMap<>(thresholds));
  }

  /**
   * Returns an evaluator with every metric's default thresholds.
   *
   * @return the evaluator
   */
  public static AlertEvaluator defaults() {
    return builder().build();
  }

  /**
   * Same as {@link #defaults()}.
   *
   * @return the evaluator
   * @deprecated use {@link #defaults()}, the one spelling of defaults (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static AlertEvaluator withDefaults() {
    return defaults();
  }

  /**
   * Returns a builder starting from the defaults.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the thresholds in use.
   *
   * @return metric to thresholds
   */
  public Map<AlertMetric, AlertThreshold> thresholds() {
    return thresholds;
  }

  /**
   * Evaluates an update.
   *
   * @param update the update; its own alerts are ignored
   * @return the alerts, possibly empty
   */
  public List<PerformanceAlert> evaluate(PerformanceUpdate update) {
    Objects.requireNonNull(update, "update");
    List<PerformanceAlert> alerts = new ArrayList<>();
    for (AlertThreshold threshold : thresholds.values()) {
      Double value = threshold.metric().read(update);
      if (value == null || value.isNaN()) {
        continue;
      }
      if (threshold.crosses(value, threshold.critical())) {
        alerts.add(alert(threshold, AlertSeverity.CRITICAL, value, threshold.critical()));
      } else if (threshold.crosses(value, threshold.warning())) {
        alerts.add(alert(threshold, AlertSeverity.WARNING, value, threshold.warning()));
      }
    }
    return alerts;
  }

  private static PerformanceAlert alert(
      AlertThreshold threshold, AlertSeverity severity, double value, double limit) {
    AlertMetric metric = threshold.metric();
    String level =
        severity == AlertSeverity.CRITICAL
            ? "critical"
            : metric.direction() == AlertMetric.Direction.ABOVE ? "high" : "low";
    String message = metric.label() + " " + level + ": " + format(value) + metric.unit();
    return new PerformanceAlert(severity, metric.wireName(), round1(value), limit, message);
  }

  private static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  private static String format(double value) {
    double rounded = round1(value);
    return rounded == Math.rint(rounded)
        ? String.valueOf((long) rounded)
        : String.format(Locale.ROOT, "%.1f", rounded);
  }

  /** Builds an {@link AlertEvaluator}, starting from the defaults. Not thread-safe. */
  public static final class Builder {
    private final Map<AlertMetric, AlertThreshold> thresholds = new EnumMap<>(AlertMetric.class);

    private Builder() {
      for (AlertMetric metric : AlertMetric.values()) {
        thresholds.put(metric, metric.defaultThreshold());
      }
    }

    /**
     * Sets a metric's thresholds.
     *
     * @param metric the metric
     * @param warning the warning threshold
     * @param critical the critical threshold
     * @return this builder
     * @throws IllegalArgumentException if they are in the wrong order for the metric's direction
     */
    public Builder threshold(AlertMetric metric, double warning, double critical) {
      thresholds.put(metric, new AlertThreshold(metric, warning, critical));
      return this;
    }

    /**
     * Stops evaluating a metric.
     *
     * @param metric the metric
     * @return this builder
     */
    public Builder disable(AlertMetric metric) {
      thresholds.remove(Objects.requireNonNull(metric, "metric"));
      return this;
    }

    /**
     * Builds the evaluator.
     *
     * @return the evaluator
     */
    public AlertEvaluator build() {
      return new AlertEvaluator(thresholds);
    }
  }
}
