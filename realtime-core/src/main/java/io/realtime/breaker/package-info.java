/**
 * The {@link io.realtime.breaker.CircuitBreaker} that guards the transport: interface, builder,
 * immutable configuration and status snapshot. The implementation is internal.
 */
package io.realtime.breaker;
