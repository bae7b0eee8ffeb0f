package io.realtime.benchmarks.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies in microseconds, recorded wait-free from the clients' threads into an HdrHistogram
 * {@link Recorder} (three significant digits: exact below 2,048 µs, then within 0.1 %), read as a
 * {@link Summary} of what was recorded since the last {@link #reset()}.
 */
final class LatencyRecorder {

  private final Recorder recorder = new Recorder(3);

  /** Records one latency; a negative one (clocks a microsecond apart) counts as 0. */
  void record(long micros) {
    recorder.recordValue(Math.max(0, micros));
  }

  /** Forgets what was recorded so far: the end of a warm-up. */
  void reset() {
    recorder.reset();
  }

  /** What was recorded since the last reset or summary, which it also forgets. */
  Summary summary() {
    return Summary.of(recorder.getIntervalHistogram());
  }

  /**
   * The report's latency fields, in milliseconds.
   *
   * @param samples how many latencies were recorded
   * @param p50Ms the median, null when there were none; likewise the others
   */
  record Summary(long samples, Double p50Ms, Double p99Ms, Double p999Ms) {

    static Summary of(Histogram histogram) {
      if (histogram.getTotalCount() == 0) {
        return new Summary(0, null, null, null);
      }
      return new Summary(
          histogram.getTotalCount(),
          millis(histogram.getValueAtPercentile(50.0)),
          millis(histogram.getValueAtPercentile(99.0)),
          millis(histogram.getValueAtPercentile(99.9)));
    }

    private static Double millis(long micros) {
      return Scenarios.round(micros / 1000.0);
    }
  }
}
