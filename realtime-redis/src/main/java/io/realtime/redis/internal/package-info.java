/**
 * Implementation of the Redis transport: connections, scripts, stream framing and subscribers.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release.
 */
package io.realtime.redis.internal;
