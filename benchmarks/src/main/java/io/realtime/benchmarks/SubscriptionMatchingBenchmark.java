package io.realtime.benchmarks;

import io.realtime.connection.Subscriptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Deciding whether a connection wants a message type, for a connection with five patterns and a mix
 * of matching and non-matching types: {@link Subscriptions#matches} against the original's
 * approach, fnmatch patterns translated to precompiled regular expressions and tried in turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SubscriptionMatchingBenchmark {

  private static final List<String> PATTERNS =
      List.of("alert.*", "camera.status_changed", "detection.*", "event", "job.*.failed");
  private static final String[] TYPES = {
    "event",
    "alert.created",
    "camera.status_changed",
    "system_status",
    "scene_change",
    "job.export.failed"
  };

  private final Subscriptions subscriptions = new Subscriptions();
  private final List<Pattern> regexes =
      PATTERNS.stream().map(SubscriptionMatchingBenchmark::globToRegex).toList();

  /** Subscribes the library's filter to the patterns. */
  public SubscriptionMatchingBenchmark() {
    subscriptions.subscribe(PATTERNS);
  }

  private static Pattern globToRegex(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  /**
   * The library.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void libraryMatches(Blackhole sink) {
    for (String type : TYPES) {
      sink.consume(subscriptions.matches(type));
    }
  }

  /**
   * The baseline: precompiled regular expressions, tried in turn.
   *
   * @param sink sinks the answers
   */
  @Benchmark
  public void regexBaseline(Blackhole sink) {
    for (String type : TYPES) {
      boolean match = false;
      for (Pattern regex : regexes) {
        if (regex.matcher(type).matches()) {
          match = true;
          break;
        }
      }
      sink.consume(match);
    }
  }
}
