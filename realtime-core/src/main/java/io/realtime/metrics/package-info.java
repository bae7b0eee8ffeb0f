/**
 * Metrics: the {@link io.realtime.metrics.MetricSource} SPI, the sections of the status, their
 * isolated collection ({@link io.realtime.metrics.MetricSources}) and the {@link
 * io.realtime.metrics.PerformanceCollector} that turns a snapshot into {@code system_status} and
 * {@code performance_update}. Alerts live in {@link io.realtime.metrics.alerts}, the kept history
 * in {@link io.realtime.metrics.history}; sources backed by other libraries live in their own
 * modules ({@code realtime-metrics-http}, {@code -oshi}, {@code -postgres}, {@code
 * realtime-gpu-nvml}, {@code realtime-redis}).
 */
package io.realtime.metrics;
