package io.realtime.metrics.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Where the PostgreSQL sources get connections: a small HikariCP pool they own and close, or a
 * {@link DataSource} the host owns and closes itself. Statements run with a timeout, 1 s by
 * default.
 */
public final class PostgresConnections implements AutoCloseable {

  /** The default statement timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private final DataSource dataSource;
  private final HikariDataSource ownedPool;
  private final Duration timeout;

  private PostgresConnections(DataSource dataSource, HikariDataSource ownedPool, Duration timeout) {
    this.dataSource = dataSource;
    this.ownedPool = ownedPool;
    this.timeout = timeout;
  }

  /**
   * Opens a pool of two connections that this object owns. The pool starts even when the server is
   * down, and getting a connection, connecting and each statement are bounded by {@code timeout}.
   * The password is never logged.
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} URL
   * @param username the user, or {@code null} to use the URL's
   * @param password the password, or {@code null}
   * @param timeout the timeout, at least 1 s (JDBC counts whole seconds)
   * @return the connections
   */
  public static PostgresConnections pool(
      String jdbcUrl, String username, String password, Duration timeout) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "jdbcUrl must start with jdbc:postgresql:, got '" + redact(jdbcUrl) + "'");
    }
    Duration checked = checkTimeout(timeout);
    HikariConfig config = new HikariConfig();
    config.setPoolName("realtime-metrics-postgres");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(username);
    config.setPassword(password);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(Math.max(250, checked.toMillis()));
    config.setValidationTimeout(Math.max(250, checked.toMillis()));
    config.setInitializationFailTimeout(-1);
    config.setReadOnly(true);
    long seconds = Math.max(1, checked.toSeconds());
    config.addDataSourceProperty("connectTimeout", Long.toString(seconds));
    config.addDataSourceProperty("socketTimeout", Long.toString(seconds + 1));
    // A cancelled statement waits for its cancel request (10 s by default) before it fails.
    config.addDataSourceProperty("cancelSignalTimeout", Long.toString(seconds));
    config.addDataSourceProperty("options", "-c statement_timeout=" + checked.toMillis());
    HikariDataSource pool = new HikariDataSource(config);
    return new PostgresConnections(pool, pool, checked);
  }

  /**
   * Uses a data source the host owns; {@link #close()} leaves it open. Connections get a network
   * timeout and statements a query timeout, but how long getting a connection and cancelling a
   * statement may take is the data source's own setting (pgjdbc: {@code connectTimeout}, {@code
   * cancelSignalTimeout}).
   *
   * @param dataSource the data source
   * @param timeout the statement timeout, at least 1 s
   * @return the connections
   */
  public static PostgresConnections of(DataSource dataSource, Duration timeout) {
    return new PostgresConnections(
        Objects.requireNonNull(dataSource, "dataSource"), null, checkTimeout(timeout));
  }

  private static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("timeout must be at least 1 s, got " + timeout);
    }
    return timeout;
  }

  /**
   * Masks a password in a JDBC URL, for logs and messages: in its parameters and before its host.
   *
   * @param jdbcUrl the URL, possibly {@code null}
   * @return the URL with {@code password=****} and {@code //user:****@host}
   */
  public static String redact(String jdbcUrl) {
    return jdbcUrl == null
        ? null
        : jdbcUrl
            .replaceAll("(?i)(password=)[^&]*", "$1****")
            .replaceAll("(//[^/?#@:]*):[^/?#@]*@", "$1:****@");
  }

  /**
   * Returns the data source.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Opens a connection whose reads give up after the timeout plus a second, so that a server that
   * stops answering mid-query (a frozen host) cannot hang the caller; statements still need {@link
   * Statement#setQueryTimeout(int)} with {@link #timeoutSeconds()}.
   *
   * @return a connection; the caller closes it
   * @throws SQLException if none can be had
   */
  public Connection open() throws SQLException {
    Connection connection = dataSource.getConnection();
    try {
      connection.setNetworkTimeout(Runnable::run, (int) timeout.plusSeconds(1).toMillis());
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return connection;
  }

  /**
   * Opens a connection and a statement bounded by the timeout, runs the work and closes both.
   *
   * @param work what to run
   * @param <T> the result's type
   * @return the work's result
   * @throws SQLException if the connection, the statement or the work fails
   */
  <T> T withStatement(StatementWork<T> work) throws SQLException {
    try (Connection connection = open();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(timeoutSeconds());
      return work.run(statement);
    }
  }

  /** Work on a statement. */
  interface StatementWork<T> {
    T run(Statement statement) throws SQLException;
  }

  /**
   * Returns the statement timeout in whole seconds, as JDBC takes it.
   *
   * @return the timeout, at least 1
   */
  public int timeoutSeconds() {
    return (int) Math.max(1, timeout.toSeconds());
  }

  /** Closes the pool if this object owns it; a host's data source stays open. */
  @Override
  public void close() {
    if (ownedPool != null) {
      ownedPool.close();
    }
  }
}
