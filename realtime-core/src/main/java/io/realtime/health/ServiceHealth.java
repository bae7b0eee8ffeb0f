package io.realtime.health;

/**
 * One service's state in the health monitor.
 *
 * @param status the last status sent ({@code healthy}, {@code unhealthy}, {@code restarting},
 *     {@code restart_failed}, {@code failed}), or {@code null} before the first check
 * @param failureCount consecutive failures counted toward the retry limit
 * @param maxRetries the retry limit
 */
public record ServiceHealth(String status, int failureCount, int maxRetries) {}
