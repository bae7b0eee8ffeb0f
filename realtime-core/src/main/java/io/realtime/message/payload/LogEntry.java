package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.realtime.internal.util.ImmutableJson;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The data of a {@code log} message: one entry of a job's log.
 *
 * @param timestamp when it was emitted
 * @param level the level, stored in upper case ({@code INFO}, {@code ERROR}, ...)
 * @param message the log line
 * @param context structured context, or {@code null}
 */
@JsonPropertyOrder({"timestamp", "level", "message", "context"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LogEntry(
    Instant timestamp, String level, String message, Map<String, Object> context) {
  /**
   * Validates the components.
   *
   * @param timestamp when it was emitted
   * @param level the level, stored in upper case ({@code INFO}, {@code ERROR}, ...)
   * @param message the log line
   * @param context structured context, or {@code null}
   */
  public LogEntry {
    Objects.requireNonNull(timestamp, "timestamp");
    if (level == null || level.isBlank()) {
      throw new IllegalArgumentException("level must not be blank, got '" + level + "'");
    }
    level = level.trim().toUpperCase(Locale.ROOT);
    Objects.requireNonNull(message, "message");
    context = context == null ? null : ImmutableJson.copyOf(context);
  }
}
