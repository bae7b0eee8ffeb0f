package io.realtime.redis.internal;

import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's subscription, shared by every listener of the channel: it rides on a {@link
 * SubscriberConnection} with many other channels and owns neither a connection nor a thread. The
 * connection's reader only hands it messages: each goes to a bounded queue of the channel, which a
 * shared dispatcher drains to the listeners in order, so a slow listener can never stop the
 * connection being read. A channel whose queue is full ends its subscription (its listeners hear
 * {@code onFailure} after the messages queued before, and catch up from the history) rather than
 * grow or block the reader; the connection and its other channels go on.
 *
 * <p>It is pending until Redis confirms it ({@link #confirmed()}); one that ends before (no
 * confirmation in time, the connection could not be opened) fails its confirmation and tells no
 * listener. One that ends once confirmed, for any reason but {@link #stop()}, tells every listener
 * {@code onFailure} once; the transport makes a new one on the next subscribe.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class ChannelSubscriber {

  private static final Logger log = LoggerFactory.getLogger(ChannelSubscriber.class);

  /** At most this many messages go to the listeners in one turn of the dispatcher. */
  private static final int BATCH = 64;

  private final String channel;
  private final Executor dispatcher;
  private final int queueSize;
  private final BiConsumer<ChannelSubscriber, TransportMessage> observer;
  private final Consumer<ChannelSubscriber> onDone;
  private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> confirmed = new CompletableFuture<>();
  private final AtomicBoolean done = new AtomicBoolean();
  private final Queue<TransportMessage> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean failureTold = new AtomicBoolean();
  private volatile Throwable endNotice;
  private volatile boolean stopping;
  private volatile Throwable failure;
  private volatile SubscriberConnection connection;

  /**
   * Creates a pending subscriber; the transport assigns it to a connection, which subscribes.
   *
   * @param channel the channel
   * @param dispatcher runs the deliveries to listeners, off the connection's reader
   * @param queueSize how many received messages may wait for delivery
   * @param observer sees each stream message as it is read, in channel order, with this subscriber
   * @param onDone told once when the subscriber ends
   */
  public ChannelSubscriber(
      String channel,
      Executor dispatcher,
      int queueSize,
      BiConsumer<ChannelSubscriber, TransportMessage> observer,
      Consumer<ChannelSubscriber> onDone) {
    this.channel = channel;
    this.dispatcher = dispatcher;
    this.queueSize = queueSize;
    this.observer = observer;
    this.onDone = onDone;
  }

  /**
   * Returns the channel.
   *
   * @return the channel
   */
  public String channel() {
    return channel;
  }

  /**
   * Returns the connection carrying the channel.
   *
   * @return the connection, or {@code null} before it was assigned one
   */
  public SubscriberConnection connection() {
    return connection;
  }

  void assigned(SubscriberConnection connection) {
    this.connection = connection;
  }

  /**
   * Returns the confirmation: complete once Redis confirmed the subscription, failed with a {@link
   * TransportException} if it ended before.
   *
   * @return the confirmation
   */
  public CompletionStage<Void> confirmed() {
    return confirmed;
  }

  /** On the connection's reader: Redis confirmed the subscription. */
  void confirm() {
    if (!done.get()) {
      confirmed.complete(null);
    }
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   * @return {@code true} if no listener is left
   */
  public boolean remove(TransportListener listener) {
    listeners.remove(listener);
    return listeners.isEmpty();
  }

  /**
   * Adds a listener, unless the subscriber already ended: every listener accepted hears {@code
   * onFailure} if the subscription breaks once confirmed, or sees its confirmation fail.
   *
   * @param listener the listener
   * @return {@code false} if the subscriber ended: the listener would never be told
   */
  public boolean addListener(TransportListener listener) {
    synchronized (listeners) {
      if (done.get()) {
        return false;
      }
      listeners.add(listener);
      return true;
    }
  }

  /**
   * Tells whether the subscriber ended.
   *
   * @return {@code true} once stopped, killed or failed
   */
  public boolean isDone() {
    return done.get();
  }

  /**
   * Tells whether what this subscriber reads still counts: not stopped, not killed.
   *
   * @return {@code false} once it is stopping or was killed
   */
  public boolean isListening() {
    return !stopping && failure == null && !done.get();
  }

  /**
   * Ends the subscription: once confirmed, its listeners hear {@code onFailure} after the messages
   * already queued for them; before, its confirmation fails and no listener is told.
   *
   * @param why the reason, in the listeners' exception
   */
  public void kill(String why) {
    kill(why, true);
  }

  /**
   * Ends the subscription as its connection ended: the same as {@link #kill}, logged once for the
   * connection rather than once per channel.
   *
   * @param why the reason
   */
  void connectionLost(String why) {
    kill(why, false);
  }

  private void kill(String why, boolean logged) {
    if (done.get()) {
      return;
    }
    SubscriberConnection carrier = connection;
    String where = carrier == null ? "" : " on " + carrier.node();
    if (confirmed.isDone()) {
      if (logged) {
        log.warn("Subscription to {}{} is lost: {}", channel, where, why);
      } else {
        log.debug("Subscription to {}{} is lost: {}", channel, where, why);
      }
      end(new TransportException("subscription to " + channel + " lost: " + why, null), false);
    } else {
      log.debug("Subscription to {}{} failed: {}", channel, where, why);
      end(
          new TransportException("cannot subscribe to " + channel + where + ": " + why, null),
          false);
    }
  }

  /** Ends the subscription without telling the listeners. */
  public void stop() {
    end(null, true);
  }

  private void end(Throwable cause, boolean stop) {
    synchronized (listeners) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (stop) {
        stopping = true;
      } else {
        failure = cause;
      }
    }
    boolean wasConfirmed =
        !confirmed.completeExceptionally(
            cause != null
                ? cause
                : new TransportException("subscription to " + channel + " was closed", null));
    onDone.accept(this);
    if (stop || !wasConfirmed) {
      return;
    }
    endNotice = cause;
    dispatch();
  }

  /**
   * On the connection's reader: hands the message over, never waiting for a listener.
   *
   * @param text the message
   * @param judged whether its offset is observed: not once its connection is being ended (its node
   *     may serve other data by now), though what it read before still reaches the listeners
   */
  void receive(String text, boolean judged) {
    if (StreamFrames.isHeartbeat(text) || done.get()) {
      // an ended subscriber's late messages are nobody's: its listeners left or were told
      return;
    }
    TransportMessage message = StreamFrames.read(channel, text);
    if (message.isStream() && judged) {
      try {
        observer.accept(this, message);
      } catch (RuntimeException e) {
        log.warn("Observer of {} failed", channel, e);
      }
    }
    if (queued.incrementAndGet() > queueSize) {
      queued.decrementAndGet();
      kill(
          "its listeners fell behind: "
              + queueSize
              + " messages waiting for delivery, the queue overflowed");
      return;
    }
    queue.add(message);
    dispatch();
  }

  /** Makes sure one turn of the dispatcher is coming: at most one per channel at a time. */
  private void dispatch() {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    try {
      dispatcher.execute(this::drain);
    } catch (RejectedExecutionException closing) {
      draining.set(false);
      log.debug("Deliveries of {} dropped: the transport is closing", channel);
    }
  }

  /** A turn of the dispatcher: a batch of messages in order, then the end notice once drained. */
  private void drain() {
    try {
      TransportMessage message;
      for (int i = 0; i < BATCH && (message = queue.poll()) != null; i++) {
        queued.decrementAndGet();
        if (!stopping) {
          deliver(message);
        }
      }
      Throwable notice = endNotice;
      if (notice != null && queue.isEmpty() && failureTold.compareAndSet(false, true)) {
        tellFailure(notice);
      }
    } finally {
      draining.set(false);
    }
    // another turn, not a loop, so that one busy channel does not hold a dispatcher thread
    if (!queue.isEmpty() || (endNotice != null && !failureTold.get())) {
      dispatch();
    }
  }

  private void deliver(TransportMessage message) {
    tell(listener -> listener.onMessage(message), "failed; it stays subscribed");
  }

  private void tellFailure(Throwable cause) {
    tell(listener -> listener.onFailure(cause), "failed on onFailure");
  }

  /** Calls every listener; one that throws is logged and does not keep the others from hearing. */
  private void tell(Consumer<TransportListener> call, String failed) {
    for (TransportListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.warn("Listener of {} {}", channel, failed, e);
      }
    }
  }
}
