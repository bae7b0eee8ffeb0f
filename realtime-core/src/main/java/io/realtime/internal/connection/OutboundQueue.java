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

  private final ArrayDeque<Slot> slots = new ArrayDeque<>();
  private final Map<String, Slot> latestByType = new HashMap<>(4);
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
      add(new Slot(message, false));
    }
    return overflowed() ? Offer.OVERFLOWED : Offer.QUEUED;
  }

  /** Appends a message whatever the bound: the last words before a close. */
  void append(EncodedMessage message) {
    add(new Slot(message, false));
  }

  /** Appends a server-made burst, in order, outside the bound. */
  void appendBurst(List<EncodedMessage> burst) {
    for (int i = 0; i < burst.size(); i++) {
      slots.add(new Slot(burst.get(i), false, false, i == burst.size() - 1));
    }
    burstsPending++;
  }

  /** Counts the bursts not wholly sent. */
  int burstsPending() {
    return burstsPending;
  }

  /** Removes and returns the oldest message, or {@code null} when empty. */
  EncodedMessage poll() {
    Slot slot = slots.poll();
    if (slot == null) {
      return null;
    }
    if (slot.latestValue) {
      latestByType.remove(slot.message.type());
    }
    if (slot.counted) {
      counted--;
      bytes -= slot.message.utf8Length();
    } else if (slot.endsBurst) {
      burstsPending--;
    }
    return slot.message;
  }

  /** Empties the queue, returning how many messages it held (bursts included). */
  int clear() {
    int discarded = slots.size();
    slots.clear();
    latestByType.clear();
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
    return slots.isEmpty();
  }

  long bytes() {
    return bytes;
  }

  private void add(Slot slot) {
    slots.add(slot);
    counted++;
    bytes += slot.message.utf8Length();
  }

  private boolean overflowed() {
    return counted > limits.maxMessages() || bytes > limits.maxBytes();
  }

  private static final class Slot {
    private EncodedMessage message;
    private final boolean latestValue;
    private final boolean counted;
    private final boolean endsBurst;

    private Slot(EncodedMessage message, boolean latestValue) {
      this(message, latestValue, true, false);
    }

    private Slot(EncodedMessage message, boolean latestValue, boolean counted, boolean endsBurst) {
      this.message = message;
      this.latestValue = latestValue;
      this.counted = counted;
      this.endsBurst = endsBurst;
    }
  }
}
