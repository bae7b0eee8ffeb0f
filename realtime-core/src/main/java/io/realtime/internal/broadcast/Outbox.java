package io.realtime.internal.broadcast;

import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events delivered locally while the transport was away, waiting to be published to the other
 * instances, in order. Each keeps the message id of its first append, so that appending it again
 * never stores a second copy. Bounded: past its capacity the oldest is dropped, counted and logged
 * (the first time, then every thousandth). Its monitor is its lock: a caller that must decide and
 * add atomically synchronizes on it.
 *
 * <p>This class is internal and is hence not for public use.
 */
final class Outbox {

  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private final int capacity;
  private final String channel;
  private final ArrayDeque<Entry> queue = new ArrayDeque<>();
  private long dropped;

  /** The entry being appended: the bound never drops it, or it would be counted lost yet stored. */
  private Entry appending;

  Outbox(int capacity, String channel) {
    this.capacity = capacity;
    this.channel = channel;
  }

  /**
   * An event waiting for the transport.
   *
   * @param id the message id its appends carry
   * @param text the payload
   * @param deliveredLocally whether the local clients got it already (and the ledger records it);
   *     {@code false} when the stream may have given them an identical copy
   */
  record Entry(String id, String text, boolean deliveredLocally) {

    /** This event, waiting without having been delivered locally. */
    Entry notDelivered() {
      return new Entry(id, text, false);
    }
  }

  /**
   * Queues an event, dropping the oldest past the capacity.
   *
   * @return the entry dropped, which is {@code entry} itself when there is no outbox, or {@code
   *     null}
   */
  synchronized Entry add(Entry entry) {
    if (capacity == 0) {
      countDrop();
      return entry;
    }
    Entry dropped = null;
    if (queue.size() - (queue.peekFirst() == appending ? 1 : 0) >= capacity) {
      dropped = dropOldestWaiting();
      countDrop();
    }
    queue.addLast(entry);
    return dropped;
  }

  /** Drops the oldest entry that is not being appended. */
  private Entry dropOldestWaiting() {
    if (appending != null && queue.peekFirst() == appending) {
      Entry head = queue.pollFirst();
      Entry oldest = queue.pollFirst();
      queue.addFirst(head);
      return oldest;
    }
    return queue.removeFirst();
  }

  /**
   * Tells whether events are kept at all.
   *
   * @return {@code false} when the capacity is 0
   */
  boolean isEnabled() {
    return capacity > 0;
  }

  private void countDrop() {
    dropped++;
    if (dropped == 1 || dropped % 1_000 == 0) {
      log.warn(
          "Outbox of {} is full ({} events): {} events will not reach the other instances",
          channel,
          capacity,
          dropped);
    }
  }

  /** Returns the oldest entry and pins it: the bound keeps it until {@link #done} is called. */
  synchronized Entry takeForAppend() {
    appending = queue.peekFirst();
    return appending;
  }

  /**
   * Ends the append of {@code entry}: removes it when it was stored, unpins it either way.
   *
   * @param entry the entry {@link #takeForAppend} gave
   * @param stored whether the transport stored it
   */
  synchronized void done(Entry entry, boolean stored) {
    appending = null;
    if (stored && queue.peekFirst() == entry) {
      queue.pollFirst();
    }
  }

  synchronized boolean isEmpty() {
    return queue.isEmpty();
  }

  synchronized int size() {
    return queue.size();
  }

  synchronized long dropped() {
    return dropped;
  }
}
