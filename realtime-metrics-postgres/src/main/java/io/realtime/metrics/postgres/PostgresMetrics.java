package io.realtime.metrics.postgres;

import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.metrics.MetricSource;
import io.realtime.time.TimeSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL for {@code databases.postgresql}: {@code connections_active} (rows of {@code
 * pg_stat_activity} whose state is active), {@code connections_max} (the server's {@code
 * max_connections}), {@code cache_hit_ratio} (from {@code pg_stat_database} for the current
 * database, 100 when there were no reads) and {@code transactions_per_min}, a real rate from the
 * change of {@code xact_commit + xact_rollback} between two samples. The first sample, and one
 * after the statistics were reset, has no rate yet and leaves it {@code null}. A server that cannot
 * be reached or queried within the timeout reads {@code {"status":"unreachable"}}.
 */
public final class PostgresMetrics implements MetricSource<PostgresStats>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PostgresMetrics.class);
  private static final double NANOS_PER_MINUTE = 60e9;
  private static final String ACTIVE =
      "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'";
  private static final String MAX = "SELECT current_setting('max_connections')::int";
  private static final String DATABASE =
      "SELECT blks_hit, blks_read, xact_commit + xact_rollback"
          + " FROM pg_stat_database WHERE datname = current_database()";

  private final PostgresConnections connections;
  private final TimeSource time;
  private final AtomicReference<TransactionSample> previous = new AtomicReference<>();

  private record TransactionSample(long nanos, long transactions) {}

  /**
   * Creates the source.
   *
   * @param connections where connections come from; closed with this source
   * @param time the clock that times the transaction rate
   */
  public PostgresMetrics(PostgresConnections connections, TimeSource time) {
    this.connections = Objects.requireNonNull(connections, "connections");
    this.time = Objects.requireNonNull(time, "time");
  }

  @Override
  public PostgresStats collect() {
    try {
      return connections.withStatement(this::read);
    } catch (SQLException | RuntimeException e) {
      log.debug("PostgreSQL metrics unavailable: {}", e.toString());
      return new PostgresStats("unreachable", null, null, null, null);
    }
  }

  private PostgresStats read(Statement statement) throws SQLException {
    int active = singleInt(statement, ACTIVE);
    int max = singleInt(statement, MAX);
    try (ResultSet row = statement.executeQuery(DATABASE)) {
      if (!row.next()) {
        return new PostgresStats("healthy", active, max, null, null);
      }
      long hits = row.getLong(1);
      long reads = row.getLong(2);
      long transactions = row.getLong(3);
      double ratio = hits + reads == 0 ? 100.0 : 100.0 * hits / (hits + reads);
      return new PostgresStats(
          "healthy",
          active,
          max,
          Math.round(ratio * 100) / 100.0,
          transactionsPerMinute(transactions));
    }
  }

  private Double transactionsPerMinute(long transactions) {
    long now = time.nanoTime();
    TransactionSample before = previous.getAndSet(new TransactionSample(now, transactions));
    if (before == null || transactions < before.transactions || now - before.nanos <= 0) {
      return null;
    }
    double minutes = (now - before.nanos) / NANOS_PER_MINUTE;
    return Math.round((transactions - before.transactions) / minutes * 10) / 10.0;
  }

  static int singleInt(Statement statement, String sql) throws SQLException {
    try (ResultSet result = statement.executeQuery(sql)) {
      if (!result.next()) {
        throw new SQLException("no row from: " + sql);
      }
      return result.getInt(1);
    }
  }

  /** Closes the connections if they are a pool this library owns. */
  @Override
  public void close() {
    connections.close();
  }
}
