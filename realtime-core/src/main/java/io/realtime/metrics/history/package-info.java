/**
 * The kept history of {@code performance_update}s ({@link
 * io.realtime.metrics.history.PerformanceHistory}) and its views over the last 5, 15 or 60 minutes
 * ({@link io.realtime.metrics.history.HistoryRange}).
 */
package io.realtime.metrics.history;
