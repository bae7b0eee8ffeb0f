package io.realtime.health;

/**
 * The result of a {@link HealthCheck}.
 *
 * @param healthy whether the service is healthy
 * @param message an explanation for an unhealthy result, or {@code null}
 */
public record HealthCheckResult(boolean healthy, String message) {

  private static final HealthCheckResult UP = new HealthCheckResult(true, null);

  /**
   * Returns a healthy result.
   *
   * @return the result
   */
  public static HealthCheckResult up() {
    return UP;
  }

  /**
   * Returns an unhealthy result.
   *
   * @param message why; never a secret
   * @return the result
   */
  public static HealthCheckResult down(String message) {
    return new HealthCheckResult(false, message);
  }
}
