/**
 * Alerts: the thresholds of each {@link io.realtime.metrics.alerts.AlertMetric} and the {@link
 * io.realtime.metrics.alerts.AlertEvaluator} that turns a reading into the alerts of {@code
 * performance_update}.
 */
package io.realtime.metrics.alerts;
