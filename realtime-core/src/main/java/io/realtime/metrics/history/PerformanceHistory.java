package io.realtime.metrics.history;

import io.realtime.message.payload.PerformanceUpdate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A ring of the latest performance updates (720 by default: an hour at one every 5 s), with the
 * original's 5m / 15m / 60m views. Thread-safe.
 */
public final class PerformanceHistory {

  /** The default number of updates kept. */
  public static final int DEFAULT_CAPACITY = 720;

  private final int capacity;
  private final ArrayDeque<PerformanceUpdate> ring;

  /**
   * Creates an empty history.
   *
   * @param capacity the most updates kept, at least 1
   */
  public PerformanceHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("history capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(capacity);
  }

  /**
   * Adds an update, evicting the oldest when full.
   *
   * @param update the update
   */
  public synchronized void add(PerformanceUpdate update) {
    Objects.requireNonNull(update, "update");
    if (ring.size() == capacity) {
      ring.removeFirst();
    }
    ring.addLast(update);
  }

  /**
   * Returns how many updates are kept.
   *
   * @return the count
   */
  public synchronized int size() {
    return ring.size();
  }

  /**
   * Returns a view ending at the newest update.
   *
   * @param range the view
   * @return at most {@value HistoryRange#MAX_POINTS} updates, oldest first; empty when none
   */
  public synchronized List<PerformanceUpdate> view(HistoryRange range) {
    return ring.isEmpty() ? List.of() : view(range, ring.peekLast().timestamp());
  }

  /**
   * Returns a view ending at {@code now}: the updates of the range's span, every {@code step}-th
   * from the oldest, the newest {@value HistoryRange#MAX_POINTS} of those.
   *
   * @param range the view
   * @param now the end of the view
   * @return at most {@value HistoryRange#MAX_POINTS} updates, oldest first
   */
  public synchronized List<PerformanceUpdate> view(HistoryRange range, Instant now) {
    Instant since = now.minus(range.span());
    List<PerformanceUpdate> window = new ArrayList<>();
    for (PerformanceUpdate update : ring) {
      if (!update.timestamp().isBefore(since) && !update.timestamp().isAfter(now)) {
        window.add(update);
      }
    }
    List<PerformanceUpdate> sampled = new ArrayList<>();
    for (int i = 0; i < window.size(); i += range.step()) {
      sampled.add(window.get(i));
    }
    int from = Math.max(0, sampled.size() - HistoryRange.MAX_POINTS);
    return List.copyOf(sampled.subList(from, sampled.size()));
  }
}
