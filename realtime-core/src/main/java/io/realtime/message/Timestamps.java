package io.realtime.message;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The timestamp format of the wire: ISO-8601 in UTC ({@code 2024-01-15T10:30:00Z}). Parsing is
 * lenient, because the original Python producers write naive UTC times ({@code
 * 2024-01-15T10:30:00.000000}) or {@code +00:00} offsets.
 */
public final class Timestamps {

  private Timestamps() {}

  /**
   * Formats an instant for the wire.
   *
   * @param instant the instant
   * @return ISO-8601 text in UTC, with as many fraction digits as needed
   */
  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  /**
   * Parses a timestamp: with {@code Z}, with an offset, or naive (taken as UTC).
   *
   * @param text the timestamp
   * @return the instant
   * @throws DateTimeParseException if it is none of these
   */
  public static Instant parse(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
  }
}
