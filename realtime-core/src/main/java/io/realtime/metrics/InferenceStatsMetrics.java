package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate.InferenceStats;
import io.realtime.message.payload.PerformanceUpdate.Throughput;
import java.util.Objects;

/**
 * Fills {@code performance_update.inference} from a {@link LatencyTracker}: the latencies of the
 * {@link LatencyTracker#DETECTOR detector}, {@link LatencyTracker#LLM LLM} and {@link
 * LatencyTracker#PIPELINE pipeline} stages, images per minute from the detector's throughput and
 * events per minute from the LLM's. Queue depths are left out here; the queue source reports them.
 */
public final class InferenceStatsMetrics implements MetricSource<InferenceStats> {

  private final LatencyTracker tracker;

  /**
   * Creates the source.
   *
   * @param tracker the tracker the pipeline records into
   */
  public InferenceStatsMetrics(LatencyTracker tracker) {
    this.tracker = Objects.requireNonNull(tracker, "tracker");
  }

  @Override
  public InferenceStats collect() {
    return new InferenceStats(
        tracker.stats(LatencyTracker.DETECTOR),
        tracker.stats(LatencyTracker.LLM),
        tracker.stats(LatencyTracker.PIPELINE),
        new Throughput(
            tracker.throughputPerMinute(LatencyTracker.DETECTOR),
            tracker.throughputPerMinute(LatencyTracker.LLM)),
        null);
  }
}
