/**
 * Connections and local delivery: the {@link io.realtime.connection.Connection} adapter SPI, the
 * {@link io.realtime.connection.ConnectionRegistry} with its per-connection outbound queues and
 * delivery classes, subscription filters and graceful shutdown.
 */
package io.realtime.connection;
