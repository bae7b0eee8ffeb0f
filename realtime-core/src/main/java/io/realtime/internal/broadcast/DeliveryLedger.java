package io.realtime.internal.broadcast;

import io.realtime.internal.util.TextCounts;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes an instance's local delivery of its own publishes happen exactly once, whichever path
 * delivers it: the stream, or the local fallback when an append failed or timed out. An append that
 * "failed" may have been stored anyway (a stalled backbone runs the command late, a reply is lost),
 * and the outbox appends it again later; the stream then carries it while the local clients already
 * have it.
 *
 * <p>The ledger keeps, by payload text:
 *
 * <ul>
 *   <li>the appends in flight, and how many of them the stream delivered before their reply came:
 *       such an append that then fails may have been stored, or the stream carried an identical
 *       event from elsewhere; the caller cannot tell which, so it neither claims a position nor
 *       delivers it locally, and lets the outbox append it again with the same message id;
 *   <li>the events delivered locally only that wait in the outbox, each with the mark of its local
 *       delivery: the first time the stream carries one, it is skipped, and the mark tells which
 *       connections already have it. Only events the outbox holds are recorded, and a record goes
 *       when the outbox drops its event: a record that no stream message will ever consume would
 *       swallow a later identical event. Bounded besides: past its capacity the oldest record goes.
 * </ul>
 *
 * <p>Payloads are compared by text because the stream carries no message id. Two publishes of the
 * very same text count as two entries of a multiset, so each copy is still delivered once; only a
 * byte-identical event from another instance, arriving while this instance's copy waits, can stand
 * in for it. Thread-safe.
 *
 * <p>This class is internal and is hence not for public use.
 */
final class DeliveryLedger {

  /** What {@link #streamed} returns for an event the local clients do not have yet. */
  static final long NOT_DELIVERED = -1;

  private final int capacity;
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Map<String, Integer> streamedInFlight = new HashMap<>();
  private final LinkedHashMap<String, ArrayDeque<Long>> localOnly = new LinkedHashMap<>();
  private int localOnlyCount;

  /**
   * Creates an empty ledger.
   *
   * @param capacity the most events remembered as delivered locally only, at least 1
   */
  DeliveryLedger(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** An append of {@code text} starts. */
  synchronized void appending(String text) {
    inFlight.merge(text, 1, Integer::sum);
  }

  /** The append of {@code text} succeeded: its stream message is the one delivery. */
  synchronized void appended(String text) {
    if (!TextCounts.takeOne(streamedInFlight, text)) {
      TextCounts.takeOne(inFlight, text);
    }
  }

  /**
   * The append of {@code text} failed. Tells whether the stream already delivered an identical
   * event while it was in flight: this append's own, stored after all, or another instance's. If it
   * did not, and {@code mark} is not {@link #NOT_DELIVERED}, records it as delivered locally with
   * that mark, which the caller then does and queues.
   *
   * @param mark the mark of the local delivery about to be made, or {@link #NOT_DELIVERED} when the
   *     event will not be appended again (no outbox), so no stream message will consume a record
   * @return {@code true} if the stream delivered an identical event meanwhile
   */
  synchronized boolean appendFailed(String text, long mark) {
    if (TextCounts.takeOne(streamedInFlight, text)) {
      return true;
    }
    TextCounts.takeOne(inFlight, text);
    if (mark != NOT_DELIVERED) {
      addLocalOnly(text, mark);
    }
    return false;
  }

  /**
   * {@code text} is delivered locally and queued without an append being tried (degraded, or behind
   * older queued events).
   *
   * @param mark the mark of the local delivery
   */
  synchronized void deliveredLocally(String text, long mark) {
    addLocalOnly(text, mark);
  }

  /** The outbox dropped an event of {@code text}: it will not be appended, so its record goes. */
  synchronized void dropped(String text) {
    ArrayDeque<Long> marks = localOnly.get(text);
    if (marks != null) {
      marks.pollFirst();
      localOnlyCount--;
      if (marks.isEmpty()) {
        localOnly.remove(text);
      }
    }
  }

  /**
   * The stream carries {@code text}: tells whether local clients already have it, in which case it
   * is consumed from the ledger and must not be delivered again.
   *
   * @return the mark of its local delivery, or {@link #NOT_DELIVERED} to deliver it
   */
  synchronized long streamed(String text) {
    if (localOnlyCount == 0 && inFlight.isEmpty()) {
      return NOT_DELIVERED;
    }
    ArrayDeque<Long> marks = localOnly.get(text);
    if (marks != null) {
      long mark = marks.pollFirst();
      localOnlyCount--;
      if (marks.isEmpty()) {
        localOnly.remove(text);
      }
      return mark;
    }
    if (TextCounts.takeOne(inFlight, text)) {
      streamedInFlight.merge(text, 1, Integer::sum);
    }
    return NOT_DELIVERED;
  }

  /**
   * Returns how many events are recorded as delivered locally only.
   *
   * @return the count
   */
  synchronized int localOnly() {
    return localOnlyCount;
  }

  private void addLocalOnly(String text, long mark) {
    if (localOnlyCount == capacity) {
      Iterator<Map.Entry<String, ArrayDeque<Long>>> oldest = localOnly.entrySet().iterator();
      Map.Entry<String, ArrayDeque<Long>> entry = oldest.next();
      entry.getValue().pollFirst();
      if (entry.getValue().isEmpty()) {
        oldest.remove();
      }
      localOnlyCount--;
    }
    localOnly.computeIfAbsent(text, ignored -> new ArrayDeque<>()).addLast(mark);
    localOnlyCount++;
  }
}
