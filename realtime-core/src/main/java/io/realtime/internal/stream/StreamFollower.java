package io.realtime.internal.stream;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportMessage;
import java.util.ArrayDeque;
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
 * <p>The follower never moves past a hole: when a gap fill or a catch-up cannot read the history,
 * or the history no longer holds what is missing, the owner hears {@code onHole} (it closes the
 * connections that would otherwise miss messages unannounced, so that their clients resync) and the
 * follower stays where it was, so the next message tries again.
 *
 * <p>An epoch once left is never adopted again: a message of it still queued in the subscription
 * (sent before the backbone lost its data) is dropped, as its offsets mean nothing in the followed
 * history. The last few left epochs are remembered.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class StreamFollower {

  private static final Logger log = LoggerFactory.getLogger(StreamFollower.class);

  /** How many left epochs are remembered: epoch changes are rare, late messages come soon. */
  private static final int LEFT_EPOCHS_KEPT = 8;

  private final Transport transport;
  private final String channel;
  private final Consumer<TransportMessage> sink;
  private final Runnable onNewEpoch;
  private final Consumer<String> onHole;
  private String epoch;
  private long lastDelivered;

  /** Set once the first epoch is adopted; read without the lock, which history reads hold. */
  private volatile boolean started;

  /**
   * The epochs most recently left, oldest first: a message of one of them still queued in the
   * subscription arrives late, and adopting its epoch again would deliver the current one anew.
   */
  private final ArrayDeque<String> leftEpochs = new ArrayDeque<>();

  /**
   * Creates a follower that has seen nothing yet.
   *
   * @param transport the transport, read for gaps and catch-ups
   * @param channel the stream channel
   * @param sink receives each stream message once, in order
   * @param onNewEpoch told when the history changed epoch after the first one
   * @param onHole told, with the reason, when messages could not be delivered in order: the history
   *     could not be read or no longer holds them; called under the lock
   */
  public StreamFollower(
      Transport transport,
      String channel,
      Consumer<TransportMessage> sink,
      Runnable onNewEpoch,
      Consumer<String> onHole) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.onNewEpoch = Objects.requireNonNull(onNewEpoch, "onNewEpoch");
    this.onHole = Objects.requireNonNull(onHole, "onHole");
  }

  /**
   * Takes a stream message from the subscription.
   *
   * @param message a message with a stream position
   */
  public synchronized void onMessage(TransportMessage message) {
    if (leftEpochs.contains(message.epoch())) {
      log.debug("Dropping offset {} of {}: its epoch was left", message.seq(), channel);
      return;
    }
    if (!message.epoch().equals(epoch)) {
      adoptEpoch(message.epoch(), message.seq() - 1);
    }
    if (message.seq() <= lastDelivered) {
      return;
    }
    if (message.seq() > lastDelivered + 1 && !fillGap(message.seq())) {
      return;
    }
    deliver(message);
  }

  /**
   * Delivers what was appended while not subscribed. The first call, with nothing seen yet, only
   * sets the starting point: {@code fromStart} chooses whether that is the beginning of the
   * retained history (a job log's backlog) or its end (live events only).
   *
   * @param fromStart whether a follower that has seen nothing starts at the oldest retained message
   * @return {@code false} if the history could not be read (the owner heard {@code onHole})
   */
  public synchronized boolean catchUp(boolean fromStart) {
    StreamHistory history;
    try {
      long readFrom = epoch == null && !fromStart ? Long.MAX_VALUE : lastDelivered;
      history = transport.since(channel, readFrom);
      if (!history.exists() && epoch != null) {
        // The stream is gone (expired) or not yet made: nothing is there to deliver, and what
        // comes next starts a new history, told apart when it comes.
        return true;
      }
      if (leftEpochs.contains(history.epoch())) {
        // a stale read, or a backbone back on data of an epoch left: never delivered twice
        onHole.accept(
            "the history of " + channel + " still shows the left epoch " + history.epoch());
        return false;
      }
      if (!history.epoch().equals(epoch)) {
        boolean first = epoch == null;
        adoptEpoch(history.epoch(), first && !fromStart ? history.latest() : 0);
        if (lastDelivered == 0 && readFrom != 0 && history.exists()) {
          history = transport.since(channel, 0);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Cannot catch up on {}: {}", channel, e.toString());
      onHole.accept("cannot read the history of " + channel + ": " + e.getMessage());
      return false;
    }
    if (history.isTooOld(lastDelivered)) {
      hole(history);
    }
    for (TransportMessage missed : history.messages()) {
      if (missed.seq() > lastDelivered) {
        deliver(missed);
      }
    }
    return true;
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
   * Tells, without waiting for the delivery lock, whether the follower has a position: from then on
   * every message of the stream reaches the sink, those it missed by gap fill. Before, a message
   * appended now may fall before the position the first catch-up takes, and never be delivered.
   *
   * @return {@code true} once a first epoch was adopted
   */
  public boolean hasStarted() {
    return started;
  }

  /**
   * Returns the last offset delivered in the current epoch.
   *
   * @return the offset, {@code 0} for none
   */
  public synchronized long lastDelivered() {
    return lastDelivered;
  }

  /**
   * Follows another epoch. Leaving {@link StreamHistory#NO_EPOCH} (a stream that did not exist) is
   * no change: nothing was there to miss, so the new history is followed from its start, quietly;
   * and no-epoch is never remembered as left, as a stream may be gone again later.
   */
  private void adoptEpoch(String newEpoch, long baseline) {
    boolean fromNothing = StreamHistory.NO_EPOCH.equals(epoch);
    boolean changed = epoch != null && !fromNothing;
    if (changed) {
      log.warn(
          "Stream {} changed history from epoch {} to {}: offsets restart",
          channel,
          epoch,
          newEpoch);
      leftEpochs.remove(epoch);
      leftEpochs.addLast(epoch);
      if (leftEpochs.size() > LEFT_EPOCHS_KEPT) {
        leftEpochs.removeFirst();
      }
    }
    leftEpochs.remove(newEpoch);
    epoch = newEpoch;
    started = true;
    lastDelivered = changed || fromNothing ? 0 : Math.max(0, baseline);
    if (changed) {
      onNewEpoch.run();
    }
  }

  /** Delivers what lies before {@code upTo}; {@code false} if the history could not be read. */
  private boolean fillGap(long upTo) {
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
      onHole.accept(
          "cannot read messages "
              + (lastDelivered + 1)
              + ".."
              + (upTo - 1)
              + " of "
              + channel
              + ": "
              + e.getMessage());
      return false;
    }
    if (!history.epoch().equals(epoch)) {
      if (!history.exists()) {
        // The stream was deleted (its retention passed) after this message was sent: what lay
        // before it is gone with it.
        onHole.accept(
            "messages "
                + (lastDelivered + 1)
                + ".."
                + (upTo - 1)
                + " of "
                + channel
                + " are gone: the stream no longer exists");
        return false;
      }
      // The history moved to another epoch since this message was sent: the message's offsets
      // mean nothing there. Follow the history's epoch from its start and drop the message rather
      // than move past the gap; a history still showing a left epoch is a stale read: retry later.
      if (leftEpochs.contains(history.epoch())) {
        onHole.accept(
            "the history of " + channel + " still shows the left epoch " + history.epoch());
        return false;
      }
      adoptEpoch(history.epoch(), 0);
      catchUp(false);
      return false;
    }
    if (history.isTooOld(lastDelivered)) {
      hole(history);
    }
    for (TransportMessage missed : history.messages()) {
      if (missed.seq() > lastDelivered && missed.seq() < upTo) {
        deliver(missed);
      }
    }
    return true;
  }

  /** Messages were trimmed from the history before this instance delivered them. */
  private void hole(StreamHistory history) {
    log.warn(
        "Messages {}..{} of {} are no longer in its history",
        lastDelivered + 1,
        history.oldest() - 1,
        channel);
    onHole.accept(
        "messages "
            + (lastDelivered + 1)
            + ".."
            + (history.oldest() - 1)
            + " of "
            + channel
            + " are no longer in its history");
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
