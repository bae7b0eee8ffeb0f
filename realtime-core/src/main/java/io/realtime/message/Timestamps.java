package io.realtime.message;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
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

  /**
   * Tells, without parsing, whether {@code text} is a timestamp as {@link #format} writes it and
   * {@link #parse} reads it: {@code yyyy-MM-ddTHH:mm:ss}, a fraction of 3, 6 or 9 digits that
   * {@code format} would not shorten, and {@code Z}. Years outside 0000 to 9999 are not recognized.
   *
   * @param text the text
   * @return whether {@code format(parse(text))} is {@code text}
   */
  static boolean isCanonical(String text) {
    int length = text.length();
    if (length != 20 && length != 24 && length != 27 && length != 30) {
      return false;
    }
    if (text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(length - 1) != 'Z') {
      return false;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1) {
      return false;
    }
    if (day > Month.of(month).length(Year.isLeap(year))
        || !inRange(digits(text, 11, 2), 23)
        || !inRange(digits(text, 14, 2), 59)
        || !inRange(digits(text, 17, 2), 59)) {
      return false;
    }
    if (length == 20) {
      return true;
    }
    // format writes the fraction in groups of three digits, the last group never 000
    int fraction = length - 21;
    return text.charAt(19) == '.'
        && digits(text, 20, fraction - 3) >= 0
        && digits(text, length - 4, 3) > 0;
  }

  private static boolean inRange(int value, int max) {
    return value >= 0 && value <= max;
  }

  /** The number written by {@code count} ASCII digits from {@code start}, or -1. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
