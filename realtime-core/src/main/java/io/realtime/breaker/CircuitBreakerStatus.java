package io.realtime.breaker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a {@link CircuitBreaker}, with the fields of the original's {@code get_status()}.
 *
 * @param name the breaker's name
 * @param state the state
 * @param failureCount consecutive failures (in CLOSED) or failures since opening
 * @param successCount successes in the current half-open period
 * @param totalFailures failures ever recorded; survives resets
 * @param totalSuccesses successes ever recorded; survives resets
 * @param lastFailureTime when the last failure was recorded, or {@code null}
 * @param openedAt when the breaker last opened, or {@code null} if it is not open
 * @param lastStateChange when the state last changed, or {@code null} if it never did
 * @param config the configuration
 */
public record CircuitBreakerStatus(
    String name,
    CircuitBreaker.State state,
    int failureCount,
    int successCount,
    long totalFailures,
    long totalSuccesses,
    Instant lastFailureTime,
    Instant openedAt,
    Instant lastStateChange,
    CircuitBreakerConfig config) {

  /**
   * Returns the status as the original's JSON object: {@code name}, {@code state}, {@code
   * failure_count}, {@code success_count}, {@code total_failures}, {@code total_successes}, {@code
   * last_failure_time}, {@code opened_at}, {@code last_state_change} and {@code config} with {@code
   * failure_threshold}, {@code recovery_timeout} (seconds), {@code half_open_max_calls} and {@code
   * success_threshold}. Times are ISO-8601 text or {@code null}.
   *
   * @return an ordered map, ready to encode
   */
  public Map<String, Object> toMap() {
    Map<String, Object> configMap = new LinkedHashMap<>();
    configMap.put("failure_threshold", config.failureThreshold());
    configMap.put("recovery_timeout", config.recoveryTimeout().toMillis() / 1000.0);
    configMap.put("half_open_max_calls", config.halfOpenMaxCalls());
    configMap.put("success_threshold", config.successThreshold());
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    map.put("state", state.wireName());
    map.put("failure_count", failureCount);
    map.put("success_count", successCount);
    map.put("total_failures", totalFailures);
    map.put("total_successes", totalSuccesses);
    map.put("last_failure_time", text(lastFailureTime));
    map.put("opened_at", text(openedAt));
    map.put("last_state_change", text(lastStateChange));
    map.put("config", configMap);
    return map;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
