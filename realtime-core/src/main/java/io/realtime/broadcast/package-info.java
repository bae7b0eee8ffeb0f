/**
 * Broadcasters: they publish through the {@link io.realtime.transport.Transport}, listen to it and
 * fan out to the local connections of a {@link io.realtime.connection.ConnectionRegistry}, with
 * stream positions, resync, and a degraded mode that keeps local delivery going when the transport
 * fails and recovers by itself.
 */
package io.realtime.broadcast;
