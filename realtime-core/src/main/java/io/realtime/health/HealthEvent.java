package io.realtime.health;

import java.time.Instant;
import java.util.Objects;

/**
 * An entry of the health monitor's history.
 *
 * @param timestamp when it happened
 * @param service the service
 * @param type what happened
 * @param message the message sent to clients
 */
public record HealthEvent(Instant timestamp, String service, Type type, String message) {

  /**
   * Validates the event.
   *
   * @param timestamp when it happened
   * @param service the service
   * @param type what happened
   * @param message the message sent to clients
   */
  public HealthEvent {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(message, "message");
  }

  /** The kinds of event, as the original names them. */
  public enum Type {
    /** The service became unhealthy, a restart failed, or retries ran out. */
    FAILURE,
    /** The service is healthy again. */
    RECOVERY,
    /** A restart was attempted. */
    RESTART
  }
}
