/**
 * The client protocol of a connection, framework-agnostic: what the server answers to ping, pong,
 * subscribe, unsubscribe and resync, the one error envelope, message size and binary frames, the
 * heartbeat and the idle timeout. A transport adapter (Jakarta WebSocket, ...) feeds each
 * connection's frames to a {@link io.realtime.protocol.ProtocolSession}.
 */
package io.realtime.protocol;
