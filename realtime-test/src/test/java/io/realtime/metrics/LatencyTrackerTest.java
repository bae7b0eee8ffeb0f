package io.realtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.realtime.message.payload.PerformanceUpdate.InferenceStats;
import io.realtime.message.payload.PerformanceUpdate.LatencyStats;
import io.realtime.test.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LatencyTrackerTest {

  private final ManualTime time = new ManualTime();
  private final LatencyTracker tracker =
      new LatencyTracker(time, LatencyTracker.DEFAULT_WINDOW, LatencyTracker.DEFAULT_CAPACITY);

  @Test
  void percentilesMatchAReferenceComputationOnRandomData() {
    Random random = new Random(20261128);
    for (int run = 0; run < 20; run++) {
      String stage = "stage-" + run;
      int size = 1 + random.nextInt(3000);
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        double value = Math.round(Math.abs(random.nextGaussian() * 80 + 120) * 100) / 100.0;
        values.add(value);
        tracker.record(stage, value);
      }

      LatencyStats stats = tracker.stats(stage);

      assertThat(stats.p95()).as("p95 of %s samples", size).isEqualTo(reference(values, 0.95));
      assertThat(stats.p99()).as("p99 of %s samples", size).isEqualTo(reference(values, 0.99));
      assertThat(stats.avg())
          .isCloseTo(values.stream().mapToDouble(v -> v).average().orElseThrow(), within(0.006));
    }
  }

  /**
   * The smallest sample that at least {@code share} of all samples are at or below, by counting.
   */
  private static double reference(List<Double> values, double share) {
    double best = Double.MAX_VALUE;
    for (double candidate : values) {
      long atOrBelow = values.stream().filter(v -> v <= candidate).count();
      if (atOrBelow >= share * values.size() - 1e-9 && candidate < best) {
        best = candidate;
      }
    }
    return best;
  }

  @Test
  void samplesOlderThanTheWindowAreForgotten() {
    tracker.record(LatencyTracker.DETECTOR, 1000);
    time.advance(Duration.ofMinutes(4));
    tracker.record(LatencyTracker.DETECTOR, 10);
    assertThat(tracker.stats(LatencyTracker.DETECTOR).avg()).isEqualTo(505.0);

    time.advance(Duration.ofMinutes(1).plusMillis(1));
    assertThat(tracker.stats(LatencyTracker.DETECTOR))
        .isEqualTo(new LatencyStats(10.0, 10.0, 10.0));

    time.advance(Duration.ofMinutes(5));
    assertThat(tracker.stats(LatencyTracker.DETECTOR)).isNull();
    assertThat(tracker.throughputPerMinute(LatencyTracker.DETECTOR)).isZero();
  }

  @Test
  void throughputIsSamplesPerMinuteOverTheWindow() {
    for (int i = 0; i < 150; i++) {
      tracker.record(LatencyTracker.LLM, 900);
      time.advance(Duration.ofSeconds(1));
    }

    assertThat(tracker.throughputPerMinute(LatencyTracker.LLM)).isEqualTo(30.0);
    assertThat(tracker.throughputPerMinute("never-recorded")).isZero();
  }

  @Test
  void aFullRingMeasuresTheRateOverTheSpanItHolds() {
    LatencyTracker small = new LatencyTracker(time, Duration.ofMinutes(5), 100);
    for (int i = 0; i < 1000; i++) {
      small.record(LatencyTracker.DETECTOR, i);
      time.advance(Duration.ofMillis(100));
    }

    assertThat(small.throughputPerMinute(LatencyTracker.DETECTOR)).isEqualTo(600.0);
    assertThat(small.stats(LatencyTracker.DETECTOR).avg())
        .as("only the newest samples are held")
        .isGreaterThan(900.0);
  }

  @Test
  void concurrentRecordingLosesNothing() throws Exception {
    int threads = 8;
    int perThread = 1_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  tracker.record(LatencyTracker.PIPELINE, 5);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get();
    }
    pool.shutdown();

    assertThat(tracker.throughputPerMinute(LatencyTracker.PIPELINE) * 5)
        .isEqualTo(threads * perThread);
  }

  @Test
  void badInputIsRejectedWithTheValue() {
    assertThatThrownBy(() -> tracker.record(LatencyTracker.LLM, -1))
        .hasMessageContaining("llm")
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> tracker.record(LatencyTracker.LLM, Double.NaN))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> tracker.record(" ", 1)).hasMessageContaining("stage name");
    assertThatThrownBy(() -> new LatencyTracker(time, Duration.ZERO, 1))
        .hasMessageContaining("PT0S");
  }

  @Test
  void inferenceStatsComeFromTheStages() {
    tracker.record(LatencyTracker.DETECTOR, 40);
    tracker.record(LatencyTracker.LLM, 2000);
    tracker.record(LatencyTracker.PIPELINE, 2100);

    InferenceStats stats = new InferenceStatsMetrics(tracker).collect();

    assertThat(stats.yolo26LatencyMs()).isEqualTo(new LatencyStats(40.0, 40.0, 40.0));
    assertThat(stats.nemotronLatencyMs().p95()).isEqualTo(2000.0);
    assertThat(stats.pipelineLatencyMs().avg()).isEqualTo(2100.0);
    assertThat(stats.throughput().imagesPerMin()).isEqualTo(0.2);
    assertThat(stats.throughput().eventsPerMin()).isEqualTo(0.2);
  }
}
