package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The data of a {@code service_status} message: a service's health changed, or a broadcaster
 * entered degraded mode (then {@code circuit_state} is set).
 *
 * @param service the service name, for example {@code "yolo26"} or {@code "system_broadcaster"}
 * @param status its status, for example {@code "healthy"}, {@code "unhealthy"}, {@code "degraded"}
 * @param message a human-readable explanation, or {@code null}
 * @param circuitState the breaker state ({@code "closed"}, {@code "open"}, {@code "half_open"}) for
 *     degraded-mode notices, else {@code null} (left out of the JSON)
 */
@JsonPropertyOrder({"service", "status", "message", "circuit_state"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceStatus(
    String service,
    String status,
    String message,
    @JsonInclude(JsonInclude.Include.NON_NULL) String circuitState) {
  /**
   * Validates the components.
   *
   * @param service the service name, for example {@code "yolo26"} or {@code "system_broadcaster"}
   * @param status its status, for example {@code "healthy"}, {@code "unhealthy"}, {@code
   *     "degraded"}
   * @param message a human-readable explanation, or {@code null}
   * @param circuitState the breaker state ({@code "closed"}, {@code "open"}, {@code "half_open"})
   *     for degraded-mode notices, else {@code null} (left out of the JSON)
   */
  public ServiceStatus {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("service must not be blank, got '" + service + "'");
    }
    if (status == null || status.isBlank()) {
      throw new IllegalArgumentException("status must not be blank, got '" + status + "'");
    }
  }

  /**
   * Creates a status without breaker state.
   *
   * @param service the service
   * @param status the status
   * @param message the explanation, or {@code null}
   * @return the status
   */
  public static ServiceStatus of(String service, String status, String message) {
    return new ServiceStatus(service, status, message, null);
  }
}
