package io.realtime.benchmarks;

import io.realtime.metrics.LatencyTracker;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Recording a latency under contention: {@link LatencyTracker#record} against the straightforward
 * alternative, a synchronized deque of timestamped samples trimmed to the window on every add. Both
 * run with 4 threads in the same JVM; read the ratio of their throughputs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(4)
public class LatencyRecordingBenchmark {

  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final LatencyTracker tracker = LatencyTracker.create();
  private final ArrayDeque<long[]> lockedSamples = new ArrayDeque<>();

  /** The library: a lock-free ring per stage. */
  @Benchmark
  public void trackerRecord() {
    tracker.record(LatencyTracker.DETECTOR, 42.5);
  }

  /** The baseline: one lock around a deque, trimmed on each add. */
  @Benchmark
  public void synchronizedDequeBaseline() {
    long now = System.nanoTime();
    synchronized (lockedSamples) {
      lockedSamples.addLast(new long[] {now, 42});
      while (lockedSamples.size() > LatencyTracker.DEFAULT_CAPACITY
          || now - lockedSamples.peekFirst()[0] > WINDOW_NANOS) {
        lockedSamples.removeFirst();
      }
    }
  }
}
