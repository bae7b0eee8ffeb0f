/**
 * Service health: the {@link io.realtime.health.HealthCheck} SPI and the {@link
 * io.realtime.health.HealthMonitor} that checks services periodically, restarts them with backoff
 * through an optional {@link io.realtime.health.RestartHook} and announces changes as {@code
 * service_status}.
 */
package io.realtime.health;
