/**
 * The default connection registry and its per-connection outbound queues.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release.
 */
package io.realtime.internal.connection;
