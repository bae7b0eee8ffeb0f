/**
 * Implementation of the Jakarta WebSocket endpoints: the endpoint, the handshake configurator, the
 * session adapter, credentials and client addresses.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release.
 */
package io.realtime.jakarta.ws.internal;
