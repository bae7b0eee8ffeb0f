/**
 * Service health: the {@link io.realtime.health.HealthCheck} SPI and the {@link
 * io.realtime.health.HealthMonitor} that checks services periodically, restarts them with backoff
 * through an optional {@link io.realtime.health.RestartHook} and announces changes as {@code
 * service_status}; and the {@link io.realtime.health.RealtimeHealth} snapshot of the real-time
 * layer itself (UP, DEGRADED or DOWN, and ready), taken by a {@link
 * io.realtime.health.RealtimeHealthProbe} from the registry and the {@link
 * io.realtime.health.ObservedParts} (broadcasters, emitter, breakers), which metrics gauge too.
 */
package io.realtime.health;
