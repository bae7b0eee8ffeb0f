package io.realtime.test.delivery;

import java.util.Locale;

/** The run clock's formatting: seconds since the run started, to the millisecond. */
final class Clock {

  private Clock() {}

  static String format(long nanosSinceStart) {
    return String.format(Locale.ROOT, "+%.3fs", nanosSinceStart / 1e9);
  }
}
