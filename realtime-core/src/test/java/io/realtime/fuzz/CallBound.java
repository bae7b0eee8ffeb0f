package io.realtime.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;

/**
 * The time bound every fuzz target holds each call to: {@code fuzz.maxCallMillis}, 1,000 ms by
 * default (docs/fuzzing.md). Shared by the fuzz tests of every module through realtime-core's test
 * jar.
 */
public final class CallBound {

  /** The bound, in nanoseconds. */
  public static final long MAX_CALL_NANOS = Long.getLong("fuzz.maxCallMillis", 1000) * 1_000_000L;

  private CallBound() {}

  /**
   * Runs a call and fails if it takes longer than the bound twice in a row: the first run of a code
   * path pays for class loading and Jazzer's instrumentation, and any run may meet a GC pause, but
   * an input that is slow in itself is slow again.
   *
   * @param what names the call in the failure message
   * @param call the call; run a second time only when the first was over the bound
   * @param <T> what it returns
   * @return what the first run returned
   */
  public static <T> T timed(String what, Supplier<T> call) {
    long start = System.nanoTime();
    T result = call.get();
    if (System.nanoTime() - start >= MAX_CALL_NANOS) {
      start = System.nanoTime();
      call.get();
      long elapsed = System.nanoTime() - start;
      assertThat(elapsed).as("%s took %d ms", what, elapsed / 1_000_000).isLessThan(MAX_CALL_NANOS);
    }
    return result;
  }
}
