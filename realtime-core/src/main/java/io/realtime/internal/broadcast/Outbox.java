package io.realtime.internal.broadcast;

import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events delivered locally while the transport was away, waiting to be published to the other
 * instances, in order. Bounded: past its capacity the oldest is dropped, counted and logged (the
 * first time, then every thousandth).
 *
 * <p>This class is internal and is hence not for public use.
 */
final class Outbox {

  private static final Logger log = LoggerFactory.getLogger(Outbox.class);

  private final int capacity;
  private final String channel;
  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private long dropped;

  Outbox(int capacity, String channel) {
    this.capacity = capacity;
    this.channel = channel;
  }

  synchronized void add(String text) {
    if (capacity == 0) {
      countDrop();
      return;
    }
    if (queue.size() == capacity) {
      queue.removeFirst();
      countDrop();
    }
    queue.addLast(text);
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

  synchronized String peek() {
    return queue.peekFirst();
  }

  synchronized void remove() {
    queue.pollFirst();
  }

  synchronized int size() {
    return queue.size();
  }

  synchronized long dropped() {
    return dropped;
  }
}
