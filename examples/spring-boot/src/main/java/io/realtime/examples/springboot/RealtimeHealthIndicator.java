package io.realtime.examples.springboot;

import io.realtime.health.RealtimeHealth;
import io.realtime.health.RealtimeHealthProbe;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code realtime} component of Actuator's health: {@code UP}, {@code DEGRADED} (local clients
 * are served, the transport is away or not followed yet) or {@code DOWN} (shutting down), with the
 * snapshot's details: readiness, transport, components, breakers, outbox and connections. {@code
 * DEGRADED} is a status of its own; {@code application.properties} orders it between {@code DOWN}
 * and {@code UP} and answers it with 200, since the instance still serves.
 */
public final class RealtimeHealthIndicator implements HealthIndicator {

  /** The status Actuator shows for {@link RealtimeHealth.Status#DEGRADED}. */
  public static final Status DEGRADED = new Status("DEGRADED");

  private final RealtimeHealthProbe probe;

  /**
   * Creates the indicator.
   *
   * @param probe the probe it asks at each request
   */
  public RealtimeHealthIndicator(RealtimeHealthProbe probe) {
    this.probe = probe;
  }

  @Override
  public Health health() {
    RealtimeHealth health = probe.check();
    Status status =
        switch (health.status()) {
          case UP -> Status.UP;
          case DEGRADED -> DEGRADED;
          case DOWN -> Status.DOWN;
        };
    return Health.status(status).withDetails(health.toMap()).build();
  }
}
