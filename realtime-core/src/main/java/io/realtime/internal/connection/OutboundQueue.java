package io.realtime.internal.connection;

import io.realtime.connection.DeliveryClass;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.OutboundLimits;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unsent messages of one connection, in order. A latest-value message replaces the unsent one
 * of its type in place; ordered messages are appended. Messages of a server-made burst are queued
 * in order like the others but are not counted toward the bound ({@link #size()}, {@link
 * #bytes()}): a burst comes from a bounded source (a retained history), so a client that reads it
 * at its own pace is not slow. Not thread-safe: its owner guards it.
 */
final class OutboundQueue {

  /** What {@link #offer} did with a message. */
  enum Offer {
    QUEUED,
    REPLACED,
    OVERFLOWED
  }

  /** The slots a queue starts with: most connections hold one message at a time, or none. */
  private static final int INITIAL_SLOTS = 7;

  /**
   * The most slots an empty queue keeps: one that grew past them (a resync burst, a slow moment)
   * lets its array go once it has sent everything, rather than hold it for the connection's life.
   */
  private static final int RETAINED_SLOTS = 16;

  /**
   * An ordered message is held as itself, so queueing it allocates nothing; latest-value messages
   * (replaced in place) and burst messages (outside the bound) are held in a {@link Slot}. Made at
   * the first message, and let go when it empties after holding more than {@link #RETAINED_SLOTS}.
   */
  private ArrayDeque<Object> slots;

  /** The most slots held since {@link #slots} was made. */
  private int slotsPeak;

  /** Made at the first latest-value message: the events endpoint never needs it. */
  private Map<String, Slot> latestByType;

  private final OutboundLimits limits;
  private int counted;
  private long bytes;
  private int burstsPending;

  OutboundQueue(OutboundLimits limits) {
    this.limits = limits;
  }

  /**
   * Queues a message. {@link Offer#OVERFLOWED} means the queue passed its bound; the message was
   * queued anyway and the owner must close the connection.
   */
  Offer offer(EncodedMessage message, DeliveryClass deliveryClass) {
    if (deliveryClass == DeliveryClass.LATEST_VALUE) {
      if (latestByType == null) {
        latestByType = new HashMap<>(4);
      }
      Slot unsent = latestByType.get(message.type());
      if (unsent != null) {
        bytes += message.utf8Length() - unsent.message.utf8Length();
        unsent.message = message;
        return overflowed() ? Offer.OVERFLOWED : Offer.REPLACED;
      }
      Slot slot = new Slot(message, true);
      latestByType.put(message.type(), slot);
      add(slot);
    } else {
      add(message);
    }
    return overflowed() ? Offer.OVERFLOWED : Offer.QUEUED;
  }

  /** Appends a message whatever the bound: the last words before a close. */
  void append(EncodedMessage message) {
    add(message);
  }

  /** Appends a server-made burst, in order, outside the bound. */
  void appendBurst(List<EncodedMessage> burst) {
    for (int i = 0; i < burst.size(); i++) {
      push(new Slot(burst.get(i), false, i == burst.size() - 1));
    }
    burstsPending++;
  }

  /** Counts the bursts not wholly sent. */
  int burstsPending() {
    return burstsPending;
  }

  /** Removes and returns the oldest message, or {@code null} when empty. */
  EncodedMessage poll() {
    if (slots == null) {
      return null;
    }
    Object head = slots.poll();
    if (head == null) {
      return null;
    }
    if (slots.isEmpty() && slotsPeak > RETAINED_SLOTS) {
      slots = null;
      slotsPeak = 0;
    }
    if (head instanceof EncodedMessage message) {
      uncount(message);
      return message;
    }
    Slot slot = (Slot) head;
    if (slot.latestValue) {
      latestByType.remove(slot.message.type());
      uncount(slot.message);
    } else if (slot.endsBurst) {
      burstsPending--;
    }
    return slot.message;
  }

  /** Empties the queue, returning how many messages it held (bursts included). */
  int clear() {
    int discarded = slots == null ? 0 : slots.size();
    slots = null;
    slotsPeak = 0;
    latestByType = null;
    counted = 0;
    bytes = 0;
    burstsPending = 0;
    return discarded;
  }

  /** Counts the messages that count toward the bound: all but those of bursts. */
  int size() {
    return counted;
  }

  boolean isEmpty() {
    return slots == null || slots.isEmpty();
  }

  long bytes() {
    return bytes;
  }

  private void add(EncodedMessage message) {
    push(message);
    count(message);
  }

  private void add(Slot slot) {
    push(slot);
    count(slot.message);
  }

  private void push(Object slot) {
    if (slots == null) {
      slots = new ArrayDeque<>(INITIAL_SLOTS);
    }
    slots.add(slot);
    if (slots.size() > slotsPeak) {
      slotsPeak = slots.size();
    }
  }

  private void count(EncodedMessage message) {
    counted++;
    bytes += message.utf8Length();
  }

  private void uncount(EncodedMessage message) {
    counted--;
    bytes -= message.utf8Length();
  }

  private boolean overflowed() {
    return counted > limits.maxMessages() || bytes > limits.maxBytes();
  }

  /**
   * A latest-value message (counted, replaced in place) or a burst message (not counted; the last
   * one of its burst ends it).
   */
  private static final class Slot {
    private EncodedMessage message;
    private final boolean latestValue;
    private final boolean endsBurst;

    private Slot(EncodedMessage message, boolean latestValue) {
      this(message, latestValue, false);
    }

    private Slot(EncodedMessage message, boolean latestValue, boolean endsBurst) {
      this.message = message;
      this.latestValue = latestValue;
      this.endsBurst = endsBurst;
    }
  }
}
