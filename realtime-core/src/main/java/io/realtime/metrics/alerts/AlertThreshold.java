package io.realtime.metrics.alerts;

import java.util.Objects;

/**
 * The warning and critical thresholds of one metric. For a metric that alerts when above, a value
 * at or above a threshold crosses it and {@code warning <= critical}; for one that alerts when
 * below (hit ratios), a value strictly below crosses it and {@code warning >= critical}, as the
 * seed's table writes them ({@code <90%}, {@code <80%}).
 *
 * @param metric the metric
 * @param warning the warning threshold
 * @param critical the critical threshold
 */
public record AlertThreshold(AlertMetric metric, double warning, double critical) {

  /**
   * Validates the thresholds.
   *
   * @param metric the metric
   * @param warning the warning threshold
   * @param critical the critical threshold
   */
  public AlertThreshold {
    Objects.requireNonNull(metric, "metric");
    if (Double.isNaN(warning) || Double.isNaN(critical)) {
      throw new IllegalArgumentException("thresholds of " + metric.wireName() + " must be numbers");
    }
    boolean ordered =
        metric.direction() == AlertMetric.Direction.ABOVE
            ? warning <= critical
            : warning >= critical;
    if (!ordered) {
      throw new IllegalArgumentException(
          "thresholds of "
              + metric.wireName()
              + " must have warning "
              + (metric.direction() == AlertMetric.Direction.ABOVE ? "<=" : ">=")
              + " critical, got warning="
              + warning
              + " critical="
              + critical);
    }
  }

  /**
   * Tells whether a value crosses a threshold.
   *
   * @param value the value
   * @param threshold the threshold
   * @return {@code true} if it alerts
   */
  boolean crosses(double value, double threshold) {
    return metric.direction() == AlertMetric.Direction.ABOVE
        ? value >= threshold
        : value < threshold;
  }
}
