package io.realtime.test.hostile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link VictimProbe} measured in one window: the latency of its events (publish to
 * receipt), the time between two {@code system_status} messages, and the round trip of its pings.
 *
 * <p>{@link #assertWithin(Figures)} compares a window measured during an attack with the baseline
 * measured just before it. A median may grow to {@code max(1.5 × baseline, baseline + 25 ms)} and a
 * 90th percentile to {@code max(1.5 × baseline, baseline + 50 ms)}: the factor is what the suite
 * promises, and the floors keep sub-millisecond baselines on small, noisy machines (two shared
 * cores) from failing on scheduling jitter. A window that did not collect its samples in time (the
 * victim starved) fails whatever its figures.
 *
 * @param window how long the window lasted
 * @param eventLatency event latency, publish to receipt
 * @param statusCadence time between consecutive {@code system_status} messages
 * @param pingRtt ping to pong round trip
 * @param shortfall what the window lacked when its time ran out, or {@code null} when it collected
 *     every sample it wanted
 */
public record Figures(
    Duration window,
    Distribution eventLatency,
    Distribution statusCadence,
    Distribution pingRtt,
    String shortfall) {

  /** How much a figure may grow relative to its baseline. */
  public static final double FACTOR = 1.5;

  /** The growth always allowed for a median, in milliseconds. */
  public static final double MEDIAN_FLOOR_MILLIS = 25;

  /** The growth always allowed for a 90th percentile, in milliseconds. */
  public static final double P90_FLOOR_MILLIS = 50;

  /**
   * Checks the components.
   *
   * @param window how long the window lasted
   * @param eventLatency event latency
   * @param statusCadence {@code system_status} inter-arrival times
   * @param pingRtt ping round trips
   * @param shortfall what was missing, or {@code null}
   */
  public Figures {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(eventLatency, "eventLatency");
    Objects.requireNonNull(statusCadence, "statusCadence");
    Objects.requireNonNull(pingRtt, "pingRtt");
  }

  /**
   * A distribution of samples in milliseconds.
   *
   * @param count how many samples
   * @param median the median (nearest rank), 0 without samples
   * @param p90 the 90th percentile (nearest rank), 0 without samples
   */
  public record Distribution(int count, double median, double p90) {

    /**
     * Summarizes samples.
     *
     * @param millis the samples, in milliseconds, in any order
     * @return their distribution
     */
    public static Distribution of(List<Double> millis) {
      List<Double> sorted = new ArrayList<>(millis);
      sorted.sort(null);
      return new Distribution(sorted.size(), rank(sorted, 0.5), rank(sorted, 0.9));
    }

    private static double rank(List<Double> sorted, double quantile) {
      if (sorted.isEmpty()) {
        return 0;
      }
      int index = (int) Math.ceil(quantile * sorted.size()) - 1;
      return sorted.get(Math.max(0, index));
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "n=%d median %.1f ms p90 %.1f ms", count, median, p90);
    }
  }

  /**
   * Returns the largest median allowed against a baseline median.
   *
   * @param baseline the baseline median, in milliseconds
   * @return the bound, in milliseconds
   */
  public static double medianBound(double baseline) {
    return Math.max(FACTOR * baseline, baseline + MEDIAN_FLOOR_MILLIS);
  }

  /**
   * Returns the largest 90th percentile allowed against a baseline one.
   *
   * @param baseline the baseline 90th percentile, in milliseconds
   * @return the bound, in milliseconds
   */
  public static double p90Bound(double baseline) {
    return Math.max(FACTOR * baseline, baseline + P90_FLOOR_MILLIS);
  }

  /**
   * Asserts that the victim was not disturbed: this window collected its samples, and each median
   * and 90th percentile stays within its bound of the baseline's.
   *
   * @param baseline the figures measured just before, without the attack
   * @throws IllegalArgumentException if the baseline itself fell short
   * @throws AssertionError listing every figure out of bounds, and both windows
   */
  public void assertWithin(Figures baseline) {
    if (baseline.shortfall != null) {
      throw new IllegalArgumentException(
          "the baseline fell short ("
              + baseline.shortfall
              + "); it cannot be compared: "
              + baseline);
    }
    List<String> violations = new ArrayList<>();
    if (shortfall != null) {
      violations.add("the victim starved: " + shortfall);
    }
    compare("event latency", eventLatency, baseline.eventLatency, violations);
    compare("system_status cadence", statusCadence, baseline.statusCadence, violations);
    compare("ping round trip", pingRtt, baseline.pingRtt, violations);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "the victim was disturbed:\n  - "
              + String.join("\n  - ", violations)
              + "\n  baseline: "
              + baseline
              + "\n  attacked: "
              + this);
    }
  }

  private static void compare(
      String name, Distribution attacked, Distribution baseline, List<String> violations) {
    if (attacked.count == 0) {
      return; // only when the window fell short, which is already reported
    }
    double median = medianBound(baseline.median);
    if (attacked.median > median) {
      violations.add(
          String.format(
              Locale.ROOT,
              "%s median %.1f ms > bound %.1f ms (baseline %.1f ms)",
              name,
              attacked.median,
              median,
              baseline.median));
    }
    double p90 = p90Bound(baseline.p90);
    if (attacked.p90 > p90) {
      violations.add(
          String.format(
              Locale.ROOT,
              "%s p90 %.1f ms > bound %.1f ms (baseline %.1f ms)",
              name,
              attacked.p90,
              p90,
              baseline.p90));
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "[%.2f s: events %s; system_status cadence %s; ping %s%s]",
        window.toNanos() / 1e9,
        eventLatency,
        statusCadence,
        pingRtt,
        shortfall == null ? "" : "; SHORT: " + shortfall);
  }
}
