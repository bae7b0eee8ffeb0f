package io.realtime.internal.connection;

import io.realtime.connection.CloseReason;
import io.realtime.connection.Connection;
import io.realtime.connection.DeliveryClass;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.RegisteredConnection;
import io.realtime.connection.Subscriptions;
import io.realtime.message.Message;
import io.realtime.observe.RealtimeObserver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registered connection and its single writer. At most one drain runs per connection (the {@code
 * writing} flag); it writes queued messages one at a time and continues from the send's completion,
 * so sends never overlap and a connection that does not complete its sends only fills its own
 * queue.
 */
final class DefaultRegisteredConnection implements RegisteredConnection {

  private static final Logger log = LoggerFactory.getLogger(DefaultRegisteredConnection.class);

  private static final VarHandle WRITTEN;
  private static final VarHandle LAST_SEQ;
  private static final VarHandle LAST_EPOCH;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      WRITTEN = lookup.findVarHandle(DefaultRegisteredConnection.class, "written", long.class);
      LAST_SEQ = lookup.findVarHandle(DefaultRegisteredConnection.class, "lastSeq", long.class);
      LAST_EPOCH =
          lookup.findVarHandle(DefaultRegisteredConnection.class, "lastEpoch", String.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private enum State {
    OPEN,
    CLOSING,
    CLOSED
  }

  private final String channel;
  private final Connection connection;
  private final DefaultConnectionRegistry registry;
  private final RealtimeObserver observer;
  private final Subscriptions subscriptions;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private final Object lock = new Object();
  private final OutboundQueue queue;
  private State state = State.OPEN;
  private boolean writing;
  private CloseReason closingReason;

  private volatile long lastSeq;

  /** The epoch of {@link #lastSeq}; written only by the completion of a send. */
  private volatile String lastEpoch;

  /**
   * How many sends completed: the progress a graceful close waits on. Written only by the
   * completion of a send (single writer).
   */
  private volatile long written;

  private String firstBroadcastEpoch;
  private long firstBroadcastSeq;

  /**
   * The next connection of a chunk of idle writers that a broadcast hands to the delivery executor.
   * Written only by the broadcast that took this connection's idle writer ({@link
   * Offered#QUEUED_IDLE}) and read by the task it hands the chunk to, before {@link #drain()}
   * releases the writer; the executor's hand-off orders the two.
   */
  DefaultRegisteredConnection nextIdle;

  /**
   * The message whose send is in flight, kept for its completion. Written by the writer before it
   * hands {@link #afterSend} to the send's stage; the stage's completion orders the read.
   */
  private EncodedMessage inFlight;

  /** The writer as a task and as a send's continuation, made once: a send allocates neither. */
  private final Runnable drainTask = this::drain;

  private final BiConsumer<Object, Throwable> afterSend = this::afterSend;

  DefaultRegisteredConnection(
      String channel, Connection connection, DefaultConnectionRegistry registry) {
    this.channel = channel;
    this.connection = connection;
    this.registry = registry;
    this.observer = registry.settings().observer();
    this.queue = new OutboundQueue(registry.settings().outboundLimits());
    this.subscriptions = new Subscriptions(registry.settings().subscriptionLimits());
  }

  @Override
  public String id() {
    return connection.id();
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public Connection connection() {
    return connection;
  }

  @Override
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  @Override
  public boolean send(Message message) {
    return send(EncodedMessage.encode(message, registry.codec()));
  }

  @Override
  public boolean send(EncodedMessage message) {
    Offered offered =
        offer(message, registry.settings().deliveryPolicy().classOf(message.type()), false);
    if (offered == Offered.QUEUED_IDLE) {
      scheduleDrain();
    }
    return offered != Offered.REFUSED;
  }

  /** How many server-made bursts may wait unsent at once. */
  static final int MAX_BURSTS_PENDING = 2;

  /**
   * Queues the whole burst at once, behind what is queued and ahead of later sends, outside the
   * bound: the single writer then sends it one message at a time, each after the previous send
   * completed, so it goes out as fast as the client reads and no faster. At most {@value
   * #MAX_BURSTS_PENDING} bursts at a time are outside the bound (a resync may wait behind one being
   * replayed): a client given more while they are unread (replay after replay, none of them read)
   * is slow, and is closed as such.
   */
  @Override
  public boolean sendBurst(List<EncodedMessage> burst) {
    List<EncodedMessage> messages = List.copyOf(burst);
    boolean startDrain = false;
    boolean overflowed = false;
    int dropped = 0;
    synchronized (lock) {
      if (state != State.OPEN) {
        return false;
      }
      if (messages.isEmpty()) {
        return true;
      }
      if (queue.burstsPending() >= MAX_BURSTS_PENDING) {
        dropped = overflowUnderLock() + messages.size();
        overflowed = true;
      } else {
        queue.appendBurst(messages);
        if (!writing) {
          writing = true;
          startDrain = true;
        }
      }
    }
    if (overflowed) {
      closeSlowConsumer(
          "another server-made burst came while " + MAX_BURSTS_PENDING + " were unread", dropped);
      return false;
    }
    if (startDrain) {
      scheduleDrain();
    }
    return true;
  }

  /**
   * Queues a broadcast of the given delivery class (looked up once per broadcast), remembering
   * where this connection's part of its stream began. Starting the writer is left to the caller, so
   * that a broadcast hands all idle connections to the delivery executor in a few tasks rather than
   * one per connection.
   */
  Offered offerBroadcast(EncodedMessage message, DeliveryClass deliveryClass) {
    return offer(message, deliveryClass, true);
  }

  /** What {@link #offerBroadcast} did. */
  enum Offered {
    /** Not queued: the connection is closing or closed, or its queue passed the bound. */
    REFUSED,
    /** Queued behind a send in flight; the writer will get to it. */
    QUEUED,
    /** Queued on an idle connection: the caller must call {@link #drain()} (on any thread). */
    QUEUED_IDLE
  }

  @Override
  public long firstBroadcastSeq(String epoch) {
    synchronized (lock) {
      return epoch.equals(firstBroadcastEpoch) ? firstBroadcastSeq : 0;
    }
  }

  /**
   * Closed under the lock, so no other publisher sees the queue past its bound; returns how many
   * queued messages were discarded.
   */
  private int overflowUnderLock() {
    state = State.CLOSED;
    return queue.clear();
  }

  private void closeSlowConsumer(String why, int dropped) {
    log.warn("Closing connection {} on channel {} with 1013: {}", id(), channel, why);
    observer.slowConsumerClosed(channel);
    if (dropped > 0) {
      observer.messagesDropped(channel, dropped);
    }
    finishClose(CloseReason.SLOW_CONSUMER, true);
  }

  /** Queues a message; closes the connection with 1013 when its queue passes the bound. */
  private Offered offer(EncodedMessage message, DeliveryClass deliveryClass, boolean broadcast) {
    boolean startDrain = false;
    boolean overflowed = false;
    int dropped = 0;
    int depth;
    OutboundQueue.Offer result;
    synchronized (lock) {
      if (state != State.OPEN) {
        return Offered.REFUSED;
      }
      result = queue.offer(message, deliveryClass);
      depth = queue.size();
      if (result == OutboundQueue.Offer.OVERFLOWED) {
        dropped = overflowUnderLock();
        overflowed = true;
      } else {
        if (broadcast && message.seq() != null && !message.epoch().equals(firstBroadcastEpoch)) {
          firstBroadcastEpoch = message.epoch();
          firstBroadcastSeq = message.seq();
        }
        if (!writing) {
          writing = true;
          startDrain = true;
        }
      }
    }
    observer.outboundQueueDepth(channel, depth);
    if (overflowed) {
      closeSlowConsumer(
          "outbound queue passed its bound " + registry.settings().outboundLimits(), dropped);
      return Offered.REFUSED;
    }
    if (result == OutboundQueue.Offer.REPLACED) {
      observer.messageConflated(channel);
    }
    return startDrain ? Offered.QUEUED_IDLE : Offered.QUEUED;
  }

  @Override
  public long lastSeq() {
    return lastSeq;
  }

  @Override
  public int pendingMessages() {
    synchronized (lock) {
      return queue.size();
    }
  }

  @Override
  public long pendingBytes() {
    synchronized (lock) {
      return queue.bytes();
    }
  }

  @Override
  public boolean isOpen() {
    synchronized (lock) {
      return state == State.OPEN;
    }
  }

  @Override
  public CompletionStage<Void> close(CloseReason reason) {
    beginClose(null, reason);
    abortIfStalled(reason, written);
    return closed;
  }

  /**
   * Aborts the close once a whole flush timeout passed without a send completing. A client that
   * keeps reading gets what was queued (a finished job's backlog burst, at its own pace) before the
   * close; a stalled one is closed one timeout after it stopped reading.
   */
  private void abortIfStalled(CloseReason reason, long writtenBefore) {
    long timeoutNanos = registry.settings().flushTimeout().toNanos();
    CompletableFuture.delayedExecutor(timeoutNanos, TimeUnit.NANOSECONDS)
        .execute(
            () -> {
              if (closed.isDone()) {
                return;
              }
              long writtenNow = written;
              if (writtenNow == writtenBefore) {
                abort(reason);
              } else {
                abortIfStalled(reason, writtenNow);
              }
            });
  }

  /**
   * Starts a graceful close that writes {@code lastWords} (if any) after what is queued, whatever
   * the bound, then closes. The caller bounds the wait.
   */
  CompletableFuture<Void> beginClose(EncodedMessage lastWords, CloseReason reason) {
    boolean startDrain = false;
    synchronized (lock) {
      if (state != State.OPEN) {
        return closed;
      }
      if (lastWords != null) {
        queue.append(lastWords);
      }
      state = State.CLOSING;
      closingReason = reason;
      if (!writing) {
        writing = true;
        startDrain = true;
      }
    }
    if (startDrain) {
      scheduleDrain();
    }
    return closed;
  }

  @Override
  public void abort(CloseReason reason) {
    if (markClosed()) {
      finishClose(reason, true);
    }
  }

  /** The peer went away: forget the queue, do not close again. */
  void peerClosed() {
    if (markClosed()) {
      finishClose(null, false);
    }
  }

  @Override
  public CompletionStage<Void> closeFuture() {
    return closed;
  }

  CompletableFuture<Void> closedFuture() {
    return closed;
  }

  private boolean markClosed() {
    int dropped;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return false;
      }
      state = State.CLOSED;
      dropped = queue.clear();
    }
    if (dropped > 0) {
      observer.messagesDropped(channel, dropped);
    }
    return true;
  }

  /** Detaches the connection and, unless the peer already went away, closes it off this thread. */
  private void finishClose(CloseReason reason, boolean closeConnection) {
    registry.detach(this);
    if (!closeConnection) {
      closed.complete(null);
      return;
    }
    try {
      registry.closeExecutor().execute(() -> closeQuietly(reason));
    } catch (RejectedExecutionException e) {
      closeQuietly(reason);
    }
  }

  private void closeQuietly(CloseReason reason) {
    try {
      connection.close(reason);
    } catch (RuntimeException e) {
      log.debug("Closing connection {} failed", id(), e);
    } finally {
      closed.complete(null);
    }
  }

  private void scheduleDrain() {
    try {
      registry.deliveryExecutor().execute(drainTask);
    } catch (RejectedExecutionException e) {
      abort(CloseReason.SERVER_SHUTDOWN);
    }
  }

  /** Drains each connection of a chunk linked through {@link #nextIdle}. */
  static void drainChain(DefaultRegisteredConnection chunk) {
    for (DefaultRegisteredConnection next = chunk; next != null; ) {
      DefaultRegisteredConnection current = next;
      // read the link before drain() releases the writer to the next broadcast
      next = current.nextIdle;
      current.nextIdle = null;
      current.drain();
    }
  }

  /** Aborts each connection of a chunk that could not be handed to the delivery executor. */
  static void abortChain(DefaultRegisteredConnection chunk, CloseReason reason) {
    for (DefaultRegisteredConnection next = chunk; next != null; ) {
      DefaultRegisteredConnection current = next;
      next = current.nextIdle;
      current.nextIdle = null;
      current.abort(reason);
    }
  }

  /** Writes queued messages until the queue is empty or a send is still in flight. */
  void drain() {
    while (true) {
      EncodedMessage next;
      CloseReason closeNow = null;
      synchronized (lock) {
        if (state == State.CLOSED) {
          writing = false;
          return;
        }
        next = queue.poll();
        if (next == null) {
          writing = false;
          if (state != State.CLOSING) {
            return;
          }
          state = State.CLOSED;
          closeNow = closingReason;
        }
      }
      if (closeNow != null) {
        finishClose(closeNow, true);
        return;
      }
      CompletableFuture<Void> sent;
      try {
        sent = connection.sendText(next.text()).toCompletableFuture();
      } catch (RuntimeException e) {
        sendFailed(e);
        return;
      }
      if (sent.isDone() && !sent.isCompletedExceptionally()) {
        delivered(next);
        continue;
      }
      inFlight = next;
      sent.whenComplete(afterSend);
      return;
    }
  }

  /** Continues the writer from the completion of the send in flight. */
  private void afterSend(Object ignored, Throwable error) {
    EncodedMessage sent = inFlight;
    inFlight = null;
    if (error != null) {
      sendFailed(error);
    } else {
      delivered(sent);
      continueAfterSend();
    }
  }

  /** After a send completed: the writer goes idle when nothing is queued, else drains on. */
  private void continueAfterSend() {
    synchronized (lock) {
      if (state == State.OPEN && queue.isEmpty()) {
        writing = false;
        return;
      }
    }
    scheduleDrain();
  }

  /**
   * Follows the stream position for the heartbeat: the highest offset delivered in the latest
   * epoch. A new epoch restarts its offsets, so its first message replaces the old epoch's maximum;
   * else a client of the new stream would be told it lags by the old stream's length. Sends
   * complete one at a time (single writer), so this needs no lock.
   */
  private void delivered(EncodedMessage message) {
    // single writer: a release store is enough for the readers and, unlike a volatile one, costs
    // no fence per delivery
    WRITTEN.setRelease(this, written + 1);
    observer.messageSent(channel);
    Long seq = message.seq();
    if (seq == null) {
      return;
    }
    String epoch = message.epoch();
    if (epoch != null && !epoch.equals(lastEpoch)) {
      LAST_EPOCH.setRelease(this, epoch);
      LAST_SEQ.setRelease(this, (long) seq);
    } else if (seq > lastSeq) {
      LAST_SEQ.setRelease(this, (long) seq);
    }
  }

  private void sendFailed(Throwable error) {
    log.debug("Send to connection {} failed; closing it", id(), error);
    // the message whose send failed left the queue: it is lost with the queued ones
    observer.messagesDropped(channel, 1);
    abort(CloseReason.SEND_FAILED);
  }

  @Override
  public String toString() {
    return "RegisteredConnection[id=" + id() + ", channel=" + channel + "]";
  }
}
