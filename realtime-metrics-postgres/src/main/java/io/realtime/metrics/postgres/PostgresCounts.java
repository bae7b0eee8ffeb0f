package io.realtime.metrics.postgres;

import io.realtime.internal.util.Durations;
import io.realtime.message.payload.PerformanceUpdate.Throughput;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.metrics.MetricSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * Counts an application keeps in its own tables, read with SQL the host configures: each query
 * returns one row with one integer. A query that fails or times out makes its source report absent
 * ({@code null}).
 */
public final class PostgresCounts {

  private final PostgresConnections connections;

  /**
   * Creates the counts over a connection source.
   *
   * @param connections where connections come from
   */
  public PostgresCounts(PostgresConnections connections) {
    this.connections = Objects.requireNonNull(connections, "connections");
  }

  /**
   * Returns the source of {@code system_status.cameras}.
   *
   * @param totalSql counts all cameras, for example {@code SELECT count(*) FROM cameras}
   * @param onlineSql counts the online ones
   * @return the source; {@code offline} is total minus online
   */
  public MetricSource<CameraCounts> cameras(String totalSql, String onlineSql) {
    String total = sql("totalSql", totalSql);
    String online = sql("onlineSql", onlineSql);
    return () ->
        query(
            statement -> {
              int all = PostgresMetrics.singleInt(statement, total);
              int up = PostgresMetrics.singleInt(statement, online);
              return new CameraCounts(all, up, Math.max(0, all - up));
            });
  }

  /**
   * Returns the source of {@code inference.throughput}: each query counts rows of the last {@code
   * window} (the original counts detections and events of the last 5 minutes), divided into a rate
   * per minute.
   *
   * @param imagesSql counts images processed within the window
   * @param eventsSql counts events created within the window
   * @param window the span the queries count over
   * @return the source
   */
  public MetricSource<Throughput> throughput(String imagesSql, String eventsSql, Duration window) {
    String images = sql("imagesSql", imagesSql);
    String events = sql("eventsSql", eventsSql);
    Durations.requirePositive("window", window);
    double minutes = window.toNanos() / 60e9;
    return () ->
        query(
            statement ->
                new Throughput(
                    perMinute(PostgresMetrics.singleInt(statement, images), minutes),
                    perMinute(PostgresMetrics.singleInt(statement, events), minutes)));
  }

  private static double perMinute(int count, double minutes) {
    return Math.round(count / minutes * 10) / 10.0;
  }

  private static String sql(String name, String sql) {
    if (sql == null || sql.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, got '" + sql + "'");
    }
    return sql;
  }

  private <T> T query(PostgresConnections.StatementWork<T> query) {
    try {
      return connections.withStatement(query);
    } catch (SQLException e) {
      return null;
    }
  }
}
