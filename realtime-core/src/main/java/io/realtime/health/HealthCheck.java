package io.realtime.health;

/**
 * Checks one service (SPI). The host registers each check with {@link HealthMonitor}. A check that
 * throws or exceeds its timeout counts as unhealthy.
 */
@FunctionalInterface
public interface HealthCheck {

  /**
   * Checks the service.
   *
   * @return the result
   * @throws Exception on a failure, reported as {@code Health check error: <message>}
   */
  HealthCheckResult check() throws Exception;
}
