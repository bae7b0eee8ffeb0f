package io.realtime.metrics.history;

import java.time.Duration;

/**
 * A view of the performance history, as the original's history endpoint offers: every snapshot of
 * the last 5 minutes, every 3rd of the last 15, every 12th of the last 60, at most 60 points each.
 */
public enum HistoryRange {
  /** The last 5 minutes, every snapshot. */
  FIVE_MINUTES("5m", Duration.ofMinutes(5), 1),
  /** The last 15 minutes, every 3rd snapshot. */
  FIFTEEN_MINUTES("15m", Duration.ofMinutes(15), 3),
  /** The last 60 minutes, every 12th snapshot. */
  SIXTY_MINUTES("60m", Duration.ofMinutes(60), 12);

  /** The most points a view returns. */
  public static final int MAX_POINTS = 60;

  private final String label;
  private final Duration span;
  private final int step;

  HistoryRange(String label, Duration span, int step) {
    this.label = label;
    this.span = span;
    this.step = step;
  }

  /**
   * Parses a label.
   *
   * @param label {@code 5m}, {@code 15m} or {@code 60m}
   * @return the range
   * @throws IllegalArgumentException naming the label otherwise
   */
  public static HistoryRange parse(String label) {
    for (HistoryRange range : values()) {
      if (range.label.equals(label)) {
        return range;
      }
    }
    throw new IllegalArgumentException("history range must be 5m, 15m or 60m, got '" + label + "'");
  }

  /**
   * Returns the label.
   *
   * @return for example {@code 5m}
   */
  public String label() {
    return label;
  }

  /**
   * Returns how far back the view reaches.
   *
   * @return the span
   */
  public Duration span() {
    return span;
  }

  /**
   * Returns the sampling step: every {@code step}-th snapshot is kept.
   *
   * @return the step
   */
  public int step() {
    return step;
  }
}
