/**
 * PostgreSQL metric sources over JDBC: {@link io.realtime.metrics.postgres.PostgresMetrics} for
 * {@code databases.postgresql} and {@link io.realtime.metrics.postgres.PostgresCounts} for the
 * counts an application keeps in its own tables. Both use a HikariCP pool they own or a {@link
 * javax.sql.DataSource} the host passes, and bound every statement with a timeout.
 */
package io.realtime.metrics.postgres;
