package io.realtime.benchmarks.load;

import java.util.List;

/**
 * The arithmetic the knee and soak scenarios report: where a rising load stops being sustained, and
 * the least-squares slope of a series over time. Kept apart from the scenarios so that it can be
 * tested without servers.
 */
final class Curves {

  /** A step is sustained while its p99 is at most this. */
  static final double P99_LIMIT_MS = 50.0;

  /** A step is sustained while at least this fraction of the expected deliveries arrived. */
  static final double MIN_DELIVERED_FRACTION = 0.95;

  private Curves() {}

  /**
   * One step of the knee scenario.
   *
   * @param rate events published a second
   * @param clients clients connected at the start of the step
   * @param deliveriesPerSecond deliveries counted a second in the measuring window
   * @param deliveredFraction deliveries counted over those expected (rate × clients × seconds)
   * @param p99Ms the p99 from publish to receive, null when nothing was received
   * @param closed clients closed (by the server or an error) since the scenario began
   */
  record Step(
      int rate,
      int clients,
      long deliveriesPerSecond,
      double deliveredFraction,
      Double p99Ms,
      int closed) {

    /** Whether this step held: p99 within the limit, nothing closed, (almost) all delivered. */
    boolean sustained() {
      return p99Ms != null
          && p99Ms <= P99_LIMIT_MS
          && closed == 0
          && deliveredFraction >= MIN_DELIVERED_FRACTION;
    }
  }

  /**
   * Where the load stopped being sustained.
   *
   * @param sustained the last step that held before the first one that did not, null when the first
   *     step already failed
   * @param failed the first step that did not hold, null when every step held (the knee lies beyond
   *     the last rate tried)
   */
  record Knee(Step sustained, Step failed) {

    /** Why the search stopped: {@code p99}, {@code closed}, {@code delivered}, or {@code none}. */
    String stoppedBy() {
      if (failed == null) {
        return "none";
      }
      if (failed.closed() > 0) {
        return "closed";
      }
      if (failed.p99Ms() == null || failed.p99Ms() > P99_LIMIT_MS) {
        return "p99";
      }
      return "delivered";
    }
  }

  /** The knee of steps taken at rising rates, in the order taken. */
  static Knee knee(List<Step> steps) {
    Step sustained = null;
    for (Step step : steps) {
      if (!step.sustained()) {
        return new Knee(sustained, step);
      }
      sustained = step;
    }
    return new Knee(sustained, null);
  }

  /**
   * The geometric rates of the knee scenario: {@code start}, then each the previous times {@code
   * factor}, rounded, always rising.
   */
  static int[] rates(int start, double factor, int steps) {
    int[] rates = new int[steps];
    double rate = start;
    for (int i = 0; i < steps; i++) {
      rates[i] = i == 0 ? start : Math.max(rates[i - 1] + 1, (int) Math.round(rate));
      rate *= factor;
    }
    return rates;
  }

  /**
   * The least-squares slope of {@code y} over {@code x}.
   *
   * @return the slope, or null with fewer than two points or no spread in {@code x}
   */
  static Double slope(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("x and y differ in length");
    }
    int n = x.length;
    if (n < 2) {
      return null;
    }
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < n; i++) {
      meanX += x[i];
      meanY += y[i];
    }
    meanX /= n;
    meanY /= n;
    double covariance = 0;
    double variance = 0;
    for (int i = 0; i < n; i++) {
      covariance += (x[i] - meanX) * (y[i] - meanY);
      variance += (x[i] - meanX) * (x[i] - meanX);
    }
    return variance == 0 ? null : covariance / variance;
  }
}
