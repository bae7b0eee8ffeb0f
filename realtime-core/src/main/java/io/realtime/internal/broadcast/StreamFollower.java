package io.realtime.internal.broadcast;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportMessage;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a transport delivers on a stream channel into one ordered sequence without gaps or
 * duplicates: offsets already delivered are dropped, a gap is filled from the history, a catch-up
 * after (re)subscribing delivers what was appended meanwhile, and a new epoch (the backbone lost
 * its data) restarts the offsets. Everything runs under this object's lock, which {@link #locked}
 * lends to work that must not interleave with deliveries (a resync replay).
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class StreamFollower {

  private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);

  private final Transport transport;
  private final String channel;
  private final Consumer<TransportMessage> sink;
  private final Runnable onNewEpoch;
  private String epoch;
  private long lastDelivered;

  /**
   * Creates a follower that has seen nothing yet.
   *
   * @param transport the transport, read for gaps and catch-ups
   * @param channel the stream channel
   * @param sink receives each stream message once, in order
   * @param onNewEpoch told when the history changed epoch after the first one
   */
  public StreamFollower(
      Transport transport, String channel, Consumer<TransportMessage> sink, Runnable onNewEpoch) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.onNewEpoch = Objects.requireNonNull(onNewEpoch, "onNewEpoch");
  }

  /**
   * Takes a stream message from the subscription.
   *
   * @param message a message with a stream position
   */
  public synchronized void onMessage(TransportMessage message) {
    if (!message.epoch().equals(epoch)) {
      adoptEpoch(message.epoch(), message.seq() - 1);
    }
    if (message.seq() <= lastDelivered) {
      return;
    }
    if (message.seq() > lastDelivered + 1) {
      fillGap(message.seq());
    }
    deliver(message);
  }

  /**
   * Delivers what was appended while not subscribed. The first call, with nothing seen yet, only
   * sets the starting point: {@code fromStart} chooses whether that is the beginning of the
   * retained history (a job log's backlog) or its end (live events only).
   *
   * @param fromStart whether a follower that has seen nothing starts at the oldest retained message
   */
  public synchronized void catchUp(boolean fromStart) {
    StreamHistory history;
    try {
      history =
          transport.since(channel, epoch == null && !fromStart ? Long.MAX_VALUE : lastDelivered);
    } catch (RuntimeException e) {
      log.warn("Cannot catch up on {}: {}", channel, e.toString());
      return;
    }
    if (!history.epoch().equals(epoch)) {
      boolean first = epoch == null;
      adoptEpoch(history.epoch(), first && !fromStart ? history.latest() : 0);
      if (lastDelivered == 0 && !(first && fromStart)) {
        history = transport.since(channel, 0);
      }
    }
    for (TransportMessage missed : history.messages()) {
      if (missed.seq() > lastDelivered) {
        deliver(missed);
      }
    }
  }

  /**
   * Runs work under the delivery lock: no message is delivered meanwhile.
   *
   * @param work the work
   * @param <T> its result type
   * @return its result
   */
  public synchronized <T> T locked(Supplier<T> work) {
    return work.get();
  }

  /**
   * Returns the epoch being followed, or {@code null} before the first message.
   *
   * @return the epoch
   */
  public synchronized String epoch() {
    return epoch;
  }

  /**
   * Returns the last offset delivered in the current epoch.
   *
   * @return the offset, {@code 0} for none
   */
  public synchronized long lastDelivered() {
    return lastDelivered;
  }

  private void adoptEpoch(String newEpoch, long baseline) {
    boolean changed = epoch != null;
    if (changed) {
      log.warn(
          "Stream {} changed history from epoch {} to {}: offsets restart",
          channel,
          epoch,
          newEpoch);
    }
    epoch = newEpoch;
    lastDelivered = changed ? 0 : Math.max(0, baseline);
    if (changed) {
      onNewEpoch.run();
    }
  }

  private void fillGap(long upTo) {
    StreamHistory history;
    try {
      history = transport.since(channel, lastDelivered);
    } catch (RuntimeException e) {
      log.warn(
          "Cannot fill the gap {}..{} on {}: {}",
          lastDelivered + 1,
          upTo - 1,
          channel,
          e.toString());
      return;
    }
    if (!history.epoch().equals(epoch)) {
      return;
    }
    if (history.isTooOld(lastDelivered)) {
      log.warn(
          "Messages {}..{} of {} are no longer in its history",
          lastDelivered + 1,
          history.oldest() - 1,
          channel);
    }
    for (TransportMessage missed : history.messages()) {
      if (missed.seq() > lastDelivered && missed.seq() < upTo) {
        deliver(missed);
      }
    }
  }

  private void deliver(TransportMessage message) {
    lastDelivered = message.seq();
    try {
      sink.accept(message);
    } catch (RuntimeException e) {
      log.warn("Delivering offset {} of {} failed", message.seq(), channel, e);
    }
  }
}
