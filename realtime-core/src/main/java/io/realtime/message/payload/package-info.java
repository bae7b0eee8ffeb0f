/**
 * Typed payloads carried in the {@code data} field of {@link io.realtime.message.Envelope}s:
 * security events, system status, service status, performance updates, job log entries, shutdown
 * notices and circuit-breaker updates. Their JSON field names are exactly those of the original
 * system.
 */
package io.realtime.message.payload;
