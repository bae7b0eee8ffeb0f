package io.realtime.internal.connection;

import io.realtime.connection.DeliveryClass;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.OutboundLimits;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The unsent messages of one connection, in order. A latest-value message replaces the unsent one
 * of its type in place; ordered messages are appended. Not thread-safe: its owner guards it.
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
  private long bytes;

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

  /** Removes and returns the oldest message, or {@code null} when empty. */
  EncodedMessage poll() {
    Slot slot = slots.poll();
    if (slot == null) {
      return null;
    }
    if (slot.latestValue) {
      latestByType.remove(slot.message.type());
    }
    bytes -= slot.message.utf8Length();
    return slot.message;
  }

  void clear() {
    slots.clear();
    latestByType.clear();
    bytes = 0;
  }

  int size() {
    return slots.size();
  }

  long bytes() {
    return bytes;
  }

  private void add(Slot slot) {
    slots.add(slot);
    bytes += slot.message.utf8Length();
  }

  private boolean overflowed() {
    return slots.size() > limits.maxMessages() || bytes > limits.maxBytes();
  }

  private static final class Slot {
    private EncodedMessage message;
    private final boolean latestValue;

    private Slot(EncodedMessage message, boolean latestValue) {
      this.message = message;
      this.latestValue = latestValue;
    }
  }
}
