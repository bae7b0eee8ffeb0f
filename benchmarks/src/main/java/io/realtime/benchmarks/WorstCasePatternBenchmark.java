package io.realtime.benchmarks;

import io.realtime.connection.Subscriptions;
import io.realtime.internal.util.GlobPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a hostile subscription costs the broadcasting thread, against a plain one in the same run.
 *
 * <ul>
 *   <li>{@code broadcast*}: {@link Subscriptions#matches} as a broadcast calls it, for a connection
 *       holding one plain pattern ({@code alert.*}) and for one holding the most a client may ask
 *       for: 64 patterns of 100 characters built to make a matcher work hardest (runs of {@code *}
 *       between near-misses, and the 99-star pattern that hung the regex matcher). The goal: the
 *       worst costs at most 10 times the plain.
 *   <li>{@code firstSight*}: the matcher itself, as it runs once per connection and new message
 *       type, for one plain pattern, one worst pattern, and all 64 worst patterns (what the first
 *       broadcast of each type pays for the worst subscription).
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WorstCasePatternBenchmark {

  private static final String[] TYPES = {
    "event", "alert.created", "system_status", "performance_update", "service_status"
  };

  private final Subscriptions plain = new Subscriptions();
  private final Subscriptions worst = new Subscriptions();
  private final GlobPattern plainPattern = GlobPattern.compile("alert.*");
  private final GlobPattern worstPattern = GlobPattern.compile(worstPatterns().get(1));
  private final GlobPattern[] worstSubscription =
      worstPatterns().stream().map(GlobPattern::compile).toArray(GlobPattern[]::new);

  /** Subscribes both filters and shows them every type once, as the first broadcasts would. */
  public WorstCasePatternBenchmark() {
    plain.subscribe(List.of("alert.*"));
    worst.subscribe(worstPatterns());
    for (String type : TYPES) {
      plain.matches(type);
      worst.matches(type);
    }
  }

  /** 64 distinct patterns of 100 characters that never match a real type, each costly to reject. */
  static List<String> worstPatterns() {
    List<String> patterns = new ArrayList<>(64);
    patterns.add("*".repeat(99) + "0");
    for (int i = 1; i < 64; i++) {
      String body = "*e" + "*s".repeat(48) + "*";
      String suffix = Integer.toString(i);
      patterns.add(body.substring(0, 100 - suffix.length() - 1) + "#" + suffix);
    }
    return patterns;
  }

  /**
   * A broadcast's check of a connection with one plain pattern.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void broadcastPlain(Blackhole sink) {
    for (String type : TYPES) {
      sink.consume(plain.matches(type));
    }
  }

  /**
   * A broadcast's check of a connection with the worst subscription a client may make.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void broadcastWorst(Blackhole sink) {
    for (String type : TYPES) {
      sink.consume(worst.matches(type));
    }
  }

  /**
   * Matching one plain pattern, uncached.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void firstSightPlain(Blackhole sink) {
    for (String type : TYPES) {
      sink.consume(plainPattern.matches(type));
    }
  }

  /**
   * Matching one worst pattern, uncached.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void firstSightWorst(Blackhole sink) {
    for (String type : TYPES) {
      sink.consume(worstPattern.matches(type));
    }
  }

  /**
   * Matching the 64 worst patterns, uncached: the first sight of each type for the worst
   * subscription.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void firstSightWorstSubscription(Blackhole sink) {
    for (String type : TYPES) {
      boolean match = false;
      for (GlobPattern pattern : worstSubscription) {
        match |= pattern.matches(type);
      }
      sink.consume(match);
    }
  }
}
