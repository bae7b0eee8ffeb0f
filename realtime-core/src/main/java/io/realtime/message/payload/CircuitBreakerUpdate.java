package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The data of a {@code circuit_breaker_update} message: every breaker's state.
 *
 * @param timestamp when the snapshot was taken
 * @param summary counts per state
 * @param breakers breaker name to state
 */
@JsonPropertyOrder({"timestamp", "summary", "breakers"})
public record CircuitBreakerUpdate(
    Instant timestamp, Summary summary, Map<String, BreakerState> breakers) {
  /**
   * Validates the components.
   *
   * @param timestamp when the snapshot was taken
   * @param summary counts per state
   * @param breakers breaker name to state
   */
  public CircuitBreakerUpdate {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(summary, "summary");
    breakers =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(Objects.requireNonNull(breakers, "breakers")));
  }

  /**
   * Counts of breakers per state.
   *
   * @param total all breakers
   * @param open breakers open
   * @param halfOpen breakers half-open
   * @param closed breakers closed
   */
  @JsonPropertyOrder({"total", "open", "half_open", "closed"})
  public record Summary(int total, int open, int halfOpen, int closed) {}

  /**
   * One breaker's state.
   *
   * @param state {@code "closed"}, {@code "open"} or {@code "half_open"}
   * @param failureCount consecutive failures
   * @param successCount consecutive successes
   * @param lastFailureTime when the last failure happened, or {@code null}
   */
  @JsonPropertyOrder({"state", "failure_count", "success_count", "last_failure_time"})
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record BreakerState(
      String state, int failureCount, int successCount, Instant lastFailureTime) {}
}
