/**
 * Broadcaster implementations and the resilient subscription they share: circuit breaker, backoff,
 * degraded mode and automatic recovery.
 *
 * <p>Anything in a package named {@code internal} is not API: it may change in any release.
 */
package io.realtime.internal.broadcast;
