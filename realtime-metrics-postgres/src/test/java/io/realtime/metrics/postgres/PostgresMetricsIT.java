package io.realtime.metrics.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.message.payload.PerformanceUpdate.Throughput;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.metrics.MetricSource;
import io.realtime.test.ManualTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the machine's PostgreSQL (127.0.0.1:5432, trust), in a database of the test's own. */
class PostgresMetricsIT {

  private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
  private static final String DATABASE = "realtime_metrics_it";
  private static final String URL = SERVER + DATABASE;

  @BeforeAll
  static void createDatabase() throws SQLException {
    try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", null);
        Statement statement = admin.createStatement();
        ResultSet exists =
            statement.executeQuery(
                "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
      if (!exists.next()) {
        statement.execute("CREATE DATABASE " + DATABASE);
      }
    }
    try (Connection connection = DriverManager.getConnection(URL, "postgres", null);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS cameras");
      statement.execute("CREATE TABLE cameras (id int, status text)");
      statement.execute(
          "INSERT INTO cameras VALUES (1,'online'),(2,'online'),(3,'offline'),(4,'error')");
    }
  }

  @Test
  void reportsActivityLimitsAndCache() throws SQLException {
    try (PostgresMetrics metrics =
        new PostgresMetrics(
            PostgresConnections.pool(URL, "postgres", null, Duration.ofSeconds(1)),
            new ManualTime())) {
      PostgresStats stats = metrics.collect();

      assertThat(stats.status()).isEqualTo("healthy");
      assertThat(stats.connectionsActive()).as("our own query is active").isPositive();
      assertThat(stats.connectionsMax()).isEqualTo(serverMaxConnections());
      assertThat(stats.cacheHitRatio()).isBetween(0.0, 100.0);
      assertThat(stats.transactionsPerMin()).as("no rate before a second sample").isNull();
    }
  }

  @Test
  void transactionsPerMinuteIsARateNotACumulativeCount() throws SQLException {
    ManualTime time = new ManualTime();
    try (PostgresMetrics metrics =
            new PostgresMetrics(
                PostgresConnections.pool(URL, "postgres", null, Duration.ofSeconds(1)), time);
        Connection client = DriverManager.getConnection(URL, "postgres", null);
        Statement statement = client.createStatement()) {
      metrics.collect();
      long before = committedTransactions();
      for (int i = 0; i < 200; i++) {
        statement.execute("SELECT 1");
      }
      client.close();
      // The server publishes statistics asynchronously; wait until ours are counted.
      await().atMost(Duration.ofSeconds(30)).until(() -> committedTransactions() >= before + 200);
      time.advance(Duration.ofMinutes(2));

      double perMinute = metrics.collect().transactionsPerMin();

      assertThat(perMinute)
          .as("200 of ours over 2 minutes, plus the source's own")
          .isBetween(100.0, 110.0);
    }
  }

  @Test
  void countsComeFromTheConfiguredQueries() {
    try (PostgresConnections connections =
        PostgresConnections.pool(URL, "postgres", null, Duration.ofSeconds(1))) {
      PostgresCounts counts = new PostgresCounts(connections);
      MetricSource<CameraCounts> cameras =
          counts.cameras(
              "SELECT count(*) FROM cameras", "SELECT count(*) FROM cameras WHERE status='online'");
      MetricSource<Throughput> throughput =
          counts.throughput("SELECT 150", "SELECT 12", Duration.ofMinutes(5));
      MetricSource<CameraCounts> broken = counts.cameras("SELECT count(*) FROM nope", "SELECT 1");

      assertThat(collect(cameras)).isEqualTo(new CameraCounts(4, 2, 2));
      assertThat(collect(throughput)).isEqualTo(new Throughput(30.0, 2.4));
      assertThat(collect(broken)).isNull();
    }
  }

  @Test
  void aSlowQueryIsCutAtTheStatementTimeout() {
    try (PostgresConnections connections =
        PostgresConnections.pool(URL, "postgres", null, Duration.ofSeconds(1))) {
      MetricSource<CameraCounts> slow =
          new PostgresCounts(connections).cameras("SELECT 1 FROM pg_sleep(30)", "SELECT 1");

      long start = System.nanoTime();
      assertThat(collect(slow)).isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aHostDataSourceIsUsedAndLeftOpen() throws Exception {
    org.postgresql.ds.PGSimpleDataSource dataSource = new org.postgresql.ds.PGSimpleDataSource();
    dataSource.setUrl(URL);
    dataSource.setUser("postgres");
    PostgresMetrics metrics =
        new PostgresMetrics(
            PostgresConnections.of(dataSource, Duration.ofSeconds(1)), new ManualTime());

    assertThat(metrics.collect().status()).isEqualTo("healthy");
    metrics.close();
    try (Connection stillUsable = dataSource.getConnection()) {
      assertThat(stillUsable.isValid(1)).isTrue();
    }
  }

  @Test
  void aBadUrlIsRejectedWithoutItsPassword() {
    assertThatThrownBy(
            () ->
                PostgresConnections.pool(
                    "jdbc:mysql://db/x?password=hunter2", "u", "p", Duration.ofSeconds(1)))
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(
            () -> PostgresConnections.pool(URL, "postgres", null, Duration.ofMillis(500)))
        .hasMessageContaining("PT0.5S");
  }

  private static <T> T collect(MetricSource<T> source) {
    try {
      return source.collect();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int serverMaxConnections() throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(SERVER + "postgres", "postgres", null);
        Statement statement = connection.createStatement()) {
      return PostgresMetrics.singleInt(statement, "SHOW max_connections");
    }
  }

  private static long committedTransactions() throws SQLException {
    try (Connection connection =
            DriverManager.getConnection(SERVER + "postgres", "postgres", null);
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '"
                    + DATABASE
                    + "'")) {
      row.next();
      return row.getLong(1);
    }
  }
}
