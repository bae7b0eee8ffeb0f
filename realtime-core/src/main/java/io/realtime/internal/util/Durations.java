package io.realtime.internal.util;

import java.time.Duration;
import java.util.Objects;

/**
 * Checks of durations given to builders.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class Durations {

  private Durations() {}

  /**
   * Checks that a duration is positive.
   *
   * @param what the setting's name, for the message
   * @param value the duration
   * @return {@code value}
   * @throws IllegalArgumentException naming the setting and the value otherwise
   */
  public static Duration requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + value);
    }
    return value;
  }
}
