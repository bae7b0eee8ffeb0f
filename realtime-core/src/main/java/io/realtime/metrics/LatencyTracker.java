package io.realtime.metrics;

import io.realtime.internal.util.Durations;
import io.realtime.message.payload.PerformanceUpdate.LatencyStats;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Latencies of named inference stages (for example {@link #DETECTOR}, {@link #LLM}, {@link
 * #PIPELINE}) over a sliding window, 5 minutes by default. It reports the mean, the 95th and 99th
 * percentiles (nearest rank) and the throughput per minute of each stage.
 *
 * <p>Recording is lock-free: one counter increment and one array write into a ring striped by
 * thread, so that pipeline threads never wait on each other or on a reader. The ring keeps the most
 * recent {@code capacity} samples per stage (65,536 by default); when a stage records more than
 * that within one window, the statistics cover the newest {@code capacity} samples and the
 * throughput is the rate over the time those samples span. Safe for any number of threads.
 */
public final class LatencyTracker {

  /** The object detector stage. */
  public static final String DETECTOR = "detector";

  /** The LLM analysis stage. */
  public static final String LLM = "llm";

  /** The whole pipeline, from camera to event. */
  public static final String PIPELINE = "pipeline";

  /** The default window. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  /** The default number of samples kept per stage. */
  public static final int DEFAULT_CAPACITY = 65_536;

  private static final double NANOS_PER_MINUTE = 60e9;

  private final TimeSource time;
  private final long windowNanos;
  private final int capacity;
  private final ConcurrentMap<String, Stage> stages = new ConcurrentHashMap<>();

  /**
   * Creates a tracker with the default window and capacity on the system clock.
   *
   * @return the tracker
   */
  public static LatencyTracker create() {
    return new LatencyTracker(TimeSource.system(), DEFAULT_WINDOW, DEFAULT_CAPACITY);
  }

  /**
   * Creates a tracker.
   *
   * @param time the clock that stamps samples
   * @param window how far back statistics look; positive
   * @param capacity the most samples kept per stage; positive
   */
  public LatencyTracker(TimeSource time, Duration window, int capacity) {
    this.time = Objects.requireNonNull(time, "time");
    Durations.requirePositive("window", window);
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.windowNanos = window.toNanos();
    this.capacity = capacity;
  }

  /**
   * Records one latency.
   *
   * @param stage the stage's name, not blank
   * @param millis the latency in milliseconds; finite and not negative
   */
  public void record(String stage, double millis) {
    if (!(millis >= 0) || Double.isInfinite(millis)) {
      throw new IllegalArgumentException(
          "latency of stage '" + stage + "' must be finite and >= 0 ms, got " + millis);
    }
    stage(stage).add(time.nanoTime(), millis);
  }

  /**
   * Records one latency.
   *
   * @param stage the stage's name, not blank
   * @param latency the latency; not negative
   */
  public void record(String stage, Duration latency) {
    record(stage, latency.toNanos() / 1e6);
  }

  /**
   * Returns a stage's statistics over the window.
   *
   * @param stage the stage's name
   * @return mean, p95 and p99 in milliseconds; {@code null} when the window holds no sample
   */
  public LatencyStats stats(String stage) {
    Stage recorded = stages.get(stage);
    double[] samples =
        recorded == null ? new double[0] : recorded.valuesSince(time.nanoTime() - windowNanos);
    if (samples.length == 0) {
      return null;
    }
    Arrays.sort(samples);
    double sum = 0;
    for (double sample : samples) {
      sum += sample;
    }
    return new LatencyStats(
        round(sum / samples.length),
        round(nearestRank(samples, 95)),
        round(nearestRank(samples, 99)));
  }

  /**
   * Returns how many samples a stage recorded per minute over the window.
   *
   * @param stage the stage's name
   * @return samples per minute, 0 when none
   */
  public double throughputPerMinute(String stage) {
    Stage recorded = stages.get(stage);
    if (recorded == null) {
      return 0;
    }
    long now = time.nanoTime();
    return Math.round(recorded.perMinuteSince(now - windowNanos, now, windowNanos) * 10) / 10.0;
  }

  /**
   * The nearest-rank percentile of sorted samples: the smallest sample with at least {@code
   * percent}% of the samples at or below it.
   */
  private static double nearestRank(double[] sorted, int percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double round(double millis) {
    return Math.round(millis * 100) / 100.0;
  }

  private Stage stage(String name) {
    Stage stage = stages.get(name);
    if (stage != null) {
      return stage;
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("stage name must not be blank, got '" + name + "'");
    }
    return stages.computeIfAbsent(name, ignored -> new Stage(capacity));
  }

  private record Sample(long nanos, double millis) {}

  /**
   * The newest samples of one stage, in rings striped by thread so that concurrent recorders rarely
   * touch the same counter or cache line.
   */
  private static final class Stage {
    private static final int STRIPES =
        Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 2 - 1)) * 2;

    private final Ring[] rings = new Ring[STRIPES];
    private final int capacity;

    Stage(int capacity) {
      this.capacity = capacity;
      int perStripe = Math.max(1, capacity / STRIPES);
      for (int i = 0; i < STRIPES; i++) {
        rings[i] = new Ring(i < capacity % STRIPES ? perStripe + 1 : perStripe);
      }
    }

    void add(long nanos, double millis) {
      rings[(int) Thread.currentThread().getId() & (STRIPES - 1)].add(new Sample(nanos, millis));
    }

    double[] valuesSince(long oldestNanos) {
      double[] values = new double[capacity];
      int count = 0;
      for (Ring ring : rings) {
        double[] held = ring.since(oldestNanos).values();
        System.arraycopy(held, 0, values, count, held.length);
        count += held.length;
      }
      return Arrays.copyOf(values, count);
    }

    /**
     * Samples per minute since {@code oldestNanos}. A ring that overwrote samples inside the window
     * measures its rate over the span it still holds; the rings' rates add up.
     */
    double perMinuteSince(long oldestNanos, long nowNanos, long windowNanos) {
      double perMinute = 0;
      for (Ring ring : rings) {
        InWindow held = ring.since(oldestNanos);
        long span = held.overwritten() ? Math.max(1, nowNanos - held.firstNanos()) : windowNanos;
        perMinute += held.values().length / (span / NANOS_PER_MINUTE);
      }
      return perMinute;
    }
  }

  /**
   * The samples a ring holds inside the window, the oldest one's time, and whether the ring is full
   * of them after overwriting older ones (so the window holds more than the ring kept).
   */
  private record InWindow(double[] values, long firstNanos, boolean overwritten) {}

  private static final class Ring {
    private final AtomicReferenceArray<Sample> samples;
    private final AtomicLong next = new AtomicLong();

    Ring(int capacity) {
      samples = new AtomicReferenceArray<>(capacity);
    }

    void add(Sample sample) {
      samples.set((int) (next.getAndIncrement() % samples.length()), sample);
    }

    InWindow since(long oldestNanos) {
      double[] values = new double[samples.length()];
      int count = 0;
      long first = Long.MAX_VALUE;
      for (int i = 0; i < samples.length(); i++) {
        Sample sample = samples.get(i);
        if (sample != null && sample.nanos - oldestNanos >= 0) {
          values[count++] = sample.millis;
          first = Math.min(first, sample.nanos);
        }
      }
      boolean overwritten = count == samples.length() && next.get() > samples.length();
      return new InWindow(Arrays.copyOf(values, count), first, overwritten);
    }
  }
}
