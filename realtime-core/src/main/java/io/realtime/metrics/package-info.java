/**
 * Metrics: the {@link io.realtime.metrics.MetricSource} SPI, the sections of the status, their
 * isolated collection ({@link io.realtime.metrics.MetricSources}), the {@link
 * io.realtime.metrics.PerformanceCollector} with its history and the {@link
 * io.realtime.metrics.AlertEvaluator}.
 */
package io.realtime.metrics;
