package io.realtime.benchmarks.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, recorded lock-free from many threads: exact below 1,024 µs, then 512
 * buckets per power of two (under 0.2 % error), up to about 2^40 µs.
 */
final class LatencyHistogram {

  private static final int EXACT = 1024;
  private static final int SUB_BUCKETS = 512;
  private static final int MAX_EXPONENT = 40;
  private final AtomicLongArray counts =
      new AtomicLongArray(EXACT + (MAX_EXPONENT - 9) * SUB_BUCKETS);

  void record(long micros) {
    counts.incrementAndGet(index(Math.max(0, micros)));
  }

  private static int index(long value) {
    if (value < EXACT) {
      return (int) value;
    }
    int exponent = Math.min(MAX_EXPONENT, 63 - Long.numberOfLeadingZeros(value));
    int sub = (int) ((value >>> (exponent - 9)) & (SUB_BUCKETS - 1));
    return EXACT + (exponent - 10) * SUB_BUCKETS + sub;
  }

  private static long lowerBound(int index) {
    if (index < EXACT) {
      return index;
    }
    int exponent = (index - EXACT) / SUB_BUCKETS + 10;
    int sub = (index - EXACT) % SUB_BUCKETS;
    return (1L << exponent) + ((long) sub << (exponent - 9));
  }

  long count() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** The value at quantile {@code q} (0 to 1), in microseconds; -1 when empty. */
  long quantile(double q) {
    long total = count();
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return lowerBound(i);
      }
    }
    return lowerBound(counts.length() - 1);
  }

  void reset() {
    for (int i = 0; i < counts.length(); i++) {
      counts.set(i, 0);
    }
  }
}
