package io.realtime.jobs;

import io.realtime.connection.CloseReason;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.stream.StreamFollower;
import io.realtime.internal.util.TextCounts;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.MessageTypes;
import io.realtime.time.TaskScheduler;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one job's log to one connection: the backlog still in the stream's history, then the live
 * tail, in order, without gaps or duplicates, each line with its {@code seq} and {@code epoch}.
 * After {@code job_end} the connection is closed with 1000 {@code Job finished}.
 *
 * <p>The backlog goes out as one {@link RegisteredConnection#sendBurst burst}: as fast as the
 * client reads, never counted as the client being slow. Plain messages on the job's channel (an
 * outside producer's {@code PUBLISH}, as the original pipeline does) are forwarded as they are,
 * without {@code seq}, once the backlog is out; an unreadable one is dropped with a warning, and a
 * plain {@code job_end} ends the stream as a stream one does.
 *
 * <p>The tail never moves past a hole: if the backlog cannot be read, or a gap in the live tail
 * cannot be filled from the history (or the history no longer holds it), the connection is closed
 * with 1013 {@code Log stream unavailable}, so that its client reconnects and gets the backlog
 * again. If the subscription breaks, a tail made with {@link #attach(Transport, String,
 * RegisteredConnection, MessageCodec)} closes the connection the same way; one made with {@link
 * #attach(JobLogEmitter, String, RegisteredConnection)} keeps it open, gets the lines its emitter
 * delivers locally while degraded (see {@link JobLogEmitter}), subscribes again every retry
 * interval and then catches up from the history, skipping the lines it was already given locally.
 *
 * <p>A line given locally is taken on the emitting thread, before the emitter can append it, so its
 * stream copy always finds it remembered and is skipped, whichever reaches the tail first. A client
 * that reconnects gets the backlog again, with the lines it was given locally, now with {@code seq}
 * (see {@link JobLogEmitter}).
 */
public final class JobLogTail implements AutoCloseable {

  /** The close after {@code job_end}. */
  public static final CloseReason JOB_FINISHED =
      new CloseReason(CloseReason.NORMAL_CLOSURE, "Job finished");

  /** The close when the backbone breaks. */
  public static final CloseReason STREAM_UNAVAILABLE =
      new CloseReason(CloseReason.TRY_AGAIN_LATER, "Log stream unavailable");

  /**
   * The close when the subscription could not be confirmed in time (the backbone is unreachable):
   * the client reconnects later and gets the backlog then.
   */
  public static final CloseReason BACKBONE_UNAVAILABLE =
      new CloseReason(CloseReason.TRY_AGAIN_LATER, "Job log backbone unavailable; reconnect later");

  private static final Logger log = LoggerFactory.getLogger(JobLogTail.class);

  private final Transport transport;
  private final String channel;
  private final RegisteredConnection connection;
  private final MessageCodec codec;
  private final JobLogEmitter emitter;
  private final Executor backlogExecutor;
  private final Duration confirmationTimeout;
  private final StreamFollower follower;
  private final TransportListener backboneListener = new BackboneListener();
  private volatile TransportSubscription subscription;
  private volatile TransportSubscription[] localSubscriptions;
  private volatile boolean ended;
  private volatile boolean closed;

  /** The state of the emitter when this tail subscribed to its local lines, as a notice. */
  private volatile Optional<Envelope> noticeWhenSubscribed = Optional.empty();

  // Guarded by the follower's lock:
  /** Stream messages go to the follower: from the second backlog read on. */
  private boolean liveStarted;

  /** The backlog being read, collected into one burst; {@code null} outside the first reads. */
  private List<EncodedMessage> burst;

  /**
   * Guards what goes to the connection, and is taken inside the follower's lock or the emitter's
   * (local lines come on the emitting thread, under its lock): never the other way round.
   */
  private final Object sendLock = new Object();

  // Guarded by sendLock:
  private boolean backlogSent;

  /** Plain messages that came before the backlog was out; they follow it. */
  private final List<Runnable> beforeBacklog = new ArrayList<>();

  /**
   * Texts given locally (degraded mode), with their counts: skipped when the stream brings them.
   */
  private final Map<String, Integer> givenLocally = new LinkedHashMap<>();

  /**
   * Texts the stream brought while the emitter's append of them was in flight, with their counts:
   * if that append then reports failure (it stored the line all the same), the local copy that
   * follows is dropped. Entries whose append is over are forgotten.
   */
  private final Map<String, Integer> streamedWhileAppending = new HashMap<>();

  private JobLogTail(
      Transport transport,
      String channel,
      RegisteredConnection connection,
      MessageCodec codec,
      JobLogEmitter emitter,
      Executor backlogExecutor,
      Duration confirmationTimeout) {
    this.transport = transport;
    this.channel = channel;
    this.connection = connection;
    this.codec = codec;
    this.emitter = emitter;
    this.backlogExecutor = backlogExecutor;
    this.confirmationTimeout = confirmationTimeout;
    this.follower = new StreamFollower(transport, channel, this::deliver, () -> {}, this::onHole);
  }

  /**
   * Starts streaming a job's log to a connection; the connection is closed with 1013 if the
   * subscription breaks. The backlog is read on the thread that confirms the subscription: the
   * caller's with a transport that subscribes synchronously (the in-memory one). With an
   * asynchronous transport (Redis) use {@link #attach(Transport, String, RegisteredConnection,
   * MessageCodec, Executor)}, so that no transport thread waits on a read.
   *
   * @param transport the backbone
   * @param jobId the job
   * @param connection the connection
   * @param codec the codec
   * @return the tail; close it when the connection closes
   * @throws IllegalArgumentException if the job id is invalid
   */
  public static JobLogTail attach(
      Transport transport, String jobId, RegisteredConnection connection, MessageCodec codec) {
    return attach(transport, jobId, connection, codec, Runnable::run);
  }

  /**
   * Starts streaming a job's log to a connection; returns at once, without waiting for the
   * backbone. Once the subscription is confirmed, the backlog is read and sent on {@code
   * backlogExecutor}; if it is not confirmed within {@value
   * JobLogEmitter#DEFAULT_CONFIRMATION_TIMEOUT_SECONDS} s, or fails, the connection is closed with
   * {@link #BACKBONE_UNAVAILABLE}. The connection is closed with 1013 if the subscription breaks.
   *
   * @param transport the backbone
   * @param jobId the job
   * @param connection the connection
   * @param codec the codec
   * @param backlogExecutor where the backlog is read and sent: a few threads shared by all viewers,
   *     never a container's or a transport's
   * @return the tail; close it when the connection closes
   * @throws IllegalArgumentException if the job id is invalid
   */
  public static JobLogTail attach(
      Transport transport,
      String jobId,
      RegisteredConnection connection,
      MessageCodec codec,
      Executor backlogExecutor) {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(backlogExecutor, "backlogExecutor");
    return start(
        new JobLogTail(
            transport,
            JobIds.logChannel(jobId),
            connection,
            codec,
            null,
            backlogExecutor,
            Duration.ofSeconds(JobLogEmitter.DEFAULT_CONFIRMATION_TIMEOUT_SECONDS)));
  }

  /**
   * Starts streaming a job's log to a connection, through an emitter's backbone, with its degraded
   * mode: while the emitter cannot reach the backbone, the lines it emits reach this connection
   * locally (without {@code seq}, after a {@code service_status} notice), and a broken subscription
   * is retried rather than closing the connection.
   *
   * <p>Returns at once, without waiting for the backbone: once the subscription is confirmed, the
   * backlog is read and sent on the emitter's backlog threads ({@link
   * JobLogEmitter.Builder#backlogThreads}). If it is not confirmed within the emitter's {@link
   * JobLogEmitter.Builder#confirmationTimeout}, or fails, the connection is closed with {@link
   * #BACKBONE_UNAVAILABLE}.
   *
   * @param emitter the emitter of this instance
   * @param jobId the job
   * @param connection the connection
   * @return the tail; close it when the connection closes
   * @throws IllegalArgumentException if the job id is invalid
   */
  public static JobLogTail attach(
      JobLogEmitter emitter, String jobId, RegisteredConnection connection) {
    Objects.requireNonNull(emitter, "emitter");
    Objects.requireNonNull(connection, "connection");
    return start(
        new JobLogTail(
            emitter.transport(),
            emitter.logChannel(jobId),
            connection,
            emitter.codec(),
            emitter,
            emitter.backlogExecutor(),
            emitter.confirmationTimeout()));
  }

  private static JobLogTail start(JobLogTail tail) {
    if (tail.emitter != null) {
      JobLogEmitter.LocalView view =
          tail.emitter.subscribeLocally(
              tail.channel,
              message -> tail.onPlain(message, true),
              message -> tail.onPlain(message, false));
      tail.localSubscriptions = view.subscriptions();
      tail.noticeWhenSubscribed = view.notice();
    }
    TransportSubscription made;
    try {
      made = tail.transport.subscribe(tail.channel, tail.backboneListener);
    } catch (RuntimeException e) {
      tail.fail("cannot subscribe to " + tail.channel + ": " + e);
      return tail;
    }
    tail.subscription = made;
    tail.connection.closeFuture().thenRun(tail::close);
    // Only once the subscription is live is the backlog read: a line appended after the read then
    // comes live, one appended before it is in the backlog, so none is missed in between.
    tail.whenConfirmed(
        made, () -> tail.follower.locked(tail::sendBacklog), tail::backboneUnavailable);
    return tail;
  }

  /**
   * Runs {@code confirmed} on the backlog executor once the subscription is confirmed, or {@code
   * failed} if it fails or the confirmation timeout passes first; neither runs once the tail is
   * closed. Nothing here waits: the caller's thread, a container's, goes on at once.
   */
  private void whenConfirmed(
      TransportSubscription made, Runnable confirmed, Consumer<Throwable> failed) {
    CompletableFuture<Void> confirmation;
    try {
      confirmation = bounded(made.confirmed().toCompletableFuture());
    } catch (RuntimeException e) {
      confirmation = CompletableFuture.failedFuture(e);
    }
    confirmation.whenComplete(
        (ignored, error) -> {
          Runnable next =
              () -> {
                if (closed || ended) {
                  return;
                }
                if (error == null) {
                  confirmed.run();
                } else {
                  made.close();
                  failed.accept(error);
                }
              };
          try {
            backlogExecutor.execute(next);
          } catch (RejectedExecutionException e) {
            // The emitter is closed: this server is stopping, and its viewers with it.
            made.close();
            if (!closed && !ended) {
              failed.accept(e);
            }
          }
        });
  }

  /**
   * The confirmation, failing with a {@link TimeoutException} once the confirmation timeout passes:
   * on the emitter's scheduler, else on the JDK's shared delayer. No timer is set for a
   * confirmation already there (a synchronous transport's).
   */
  private CompletableFuture<Void> bounded(CompletableFuture<Void> confirmation) {
    if (confirmation.isDone()) {
      return confirmation;
    }
    if (emitter == null) {
      return confirmation.copy().orTimeout(confirmationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    CompletableFuture<Void> bounded = new CompletableFuture<>();
    TaskScheduler.Cancellable timer =
        emitter
            .scheduler()
            .schedule(
                () ->
                    bounded.completeExceptionally(
                        new TimeoutException(
                            "subscription to "
                                + channel
                                + " not confirmed within "
                                + confirmationTimeout)),
                confirmationTimeout);
    confirmation.whenComplete(
        (ignored, error) -> {
          timer.cancel();
          if (error == null) {
            bounded.complete(null);
          } else {
            bounded.completeExceptionally(error);
          }
        });
    return bounded;
  }

  /** The subscription was not confirmed: the client is told to come back later. */
  private void backboneUnavailable(Throwable cause) {
    if (ended || closed) {
      return;
    }
    log.warn(
        "Closing the log stream of {} to {} with 1013: its subscription was not confirmed: {}",
        channel,
        connection.id(),
        cause.toString());
    close();
    connection.abort(BACKBONE_UNAVAILABLE);
  }

  /**
   * Reads the backlog and sends it as one burst, then what came meanwhile. Runs under the
   * follower's lock, so no live message is delivered before the backlog.
   */
  private Void sendBacklog() {
    burst = new ArrayList<>();
    if (!follower.catchUp(true)) {
      burst = null;
      fail("cannot read the backlog of " + channel);
      return null;
    }
    // From here live messages go to the follower; the second read takes what the first missed.
    liveStarted = true;
    follower.catchUp(false);
    List<EncodedMessage> backlog = burst;
    burst = null;
    // The state when the tail subscribed locally, not now: the notices since then wait in
    // beforeBacklog, and telling the state now as well would tell a change twice.
    Optional<Envelope> notice = noticeWhenSubscribed;
    synchronized (sendLock) {
      notice.ifPresent(connection::send);
      connection.sendBurst(backlog);
      backlogSent = true;
      beforeBacklog.forEach(Runnable::run);
      beforeBacklog.clear();
      if (ended) {
        finish();
      }
    }
    return null;
  }

  private void onHole(String reason) {
    // The backlog is the history as it is: lines trimmed before it are no hole. A failed first
    // read is handled by sendBacklog.
    if (liveStarted) {
      fail(reason);
    }
  }

  private void fail(String reason) {
    if (ended || closed) {
      return;
    }
    log.warn("Closing the log stream of {} to {} with 1013: {}", channel, connection.id(), reason);
    close();
    connection.abort(STREAM_UNAVAILABLE);
  }

  /** A stream message from the follower, under its lock: once, in order. */
  private void deliver(TransportMessage message) {
    synchronized (sendLock) {
      if (ended || takenLocally(message.payload())) {
        return;
      }
      if (emitter != null) {
        forgetSettledAppends();
        if (emitter.isAppending(channel, message.payload())) {
          streamedWhileAppending.merge(message.payload(), 1, Integer::sum);
        }
      }
      send(message);
    }
  }

  /** Under the send lock. */
  private void send(TransportMessage message) {
    Envelope envelope = decode(message);
    if (envelope == null) {
      return;
    }
    EncodedMessage encoded =
        EncodedMessage.encode(envelope.withPosition(message.seq(), message.epoch()), codec);
    if (burst != null) {
      burst.add(encoded);
    } else {
      connection.send(encoded);
    }
    if (MessageTypes.JOB_END.equals(envelope.type())) {
      ended = true;
      if (burst == null) {
        finish();
      }
    }
  }

  /**
   * A plain message: from the backbone (an outside producer), or local (degraded mode), then on the
   * emitting thread under the emitter's lock, so it takes only the send lock.
   */
  private void onPlain(TransportMessage message, boolean localLine) {
    synchronized (sendLock) {
      if (ended) {
        return;
      }
      if (localLine) {
        forgetSettledAppends();
        if (TextCounts.takeOne(streamedWhileAppending, message.payload())) {
          return; // its append failed after storing it, and the stream gave it already
        }
        // At once, even while the backlog is being read: its stream copy may be in that backlog.
        rememberLocal(message.payload());
      }
      if (backlogSent) {
        sendPlain(message);
      } else {
        beforeBacklog.add(() -> sendPlain(message));
      }
    }
  }

  /** Under the send lock. */
  private void sendPlain(TransportMessage message) {
    if (ended) {
      return;
    }
    Envelope envelope = decode(message);
    if (envelope == null) {
      return;
    }
    connection.send(EncodedMessage.ofText(envelope.type(), message.payload(), null, null));
    if (MessageTypes.JOB_END.equals(envelope.type())) {
      ended = true;
      finish();
    }
  }

  private void rememberLocal(String payload) {
    givenLocally.merge(payload, 1, Integer::sum);
    if (givenLocally.size() > Math.max(1, emitter.outboxCapacity())) {
      givenLocally.remove(givenLocally.keySet().iterator().next());
    }
  }

  /** Whether this text was given locally: the outbox appended it since; the viewer has it. */
  private boolean takenLocally(String payload) {
    return TextCounts.takeOne(givenLocally, payload);
  }

  /**
   * Sound because the emitter ends an append that failed only after giving its line locally: an
   * entry whose append is over has no local copy still to come.
   */
  private void forgetSettledAppends() {
    if (!streamedWhileAppending.isEmpty()) {
      streamedWhileAppending.keySet().removeIf(text -> !emitter.isAppending(channel, text));
    }
  }

  private Envelope decode(TransportMessage message) {
    Message decoded;
    try {
      decoded = codec.decode(message.payload());
    } catch (MessageFormatException e) {
      log.warn(
          "Dropping an unreadable message {}of {}: {}",
          message.seq() == null ? "" : message.seq() + " ",
          message.channel(),
          e.getMessage());
      return null;
    }
    if (decoded instanceof Envelope envelope) {
      return envelope;
    }
    log.warn("Dropping a {} message on {}: not a log message", decoded.type(), message.channel());
    return null;
  }

  private void finish() {
    close();
    connection.close(JOB_FINISHED);
  }

  private void resubscribeLater() {
    emitter.scheduler().schedule(this::resubscribe, emitter.retryInterval());
  }

  /**
   * Probes the backbone first: while it is away, a cheap failed probe is all a retry costs, not a
   * subscription attempt on the scheduler's thread.
   */
  private void resubscribe() {
    if (closed || ended) {
      return;
    }
    CompletionStage<Void> probe;
    try {
      probe = transport.probe();
    } catch (RuntimeException e) {
      probe = CompletableFuture.failedFuture(e);
    }
    probe.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            log.debug("Backbone of {} still away: {}", channel, error.toString());
            resubscribeLater();
          } else {
            emitter.scheduler().schedule(this::subscribeAgain, Duration.ZERO);
          }
        });
  }

  /**
   * Subscribes again after a break, then, once the subscription is confirmed, catches up on what
   * was appended meanwhile, on the backlog executor; a subscription not confirmed is retried later.
   */
  private void subscribeAgain() {
    if (closed || ended) {
      return;
    }
    TransportSubscription renewed;
    try {
      renewed = transport.subscribe(channel, backboneListener);
    } catch (RuntimeException e) {
      log.debug("Resubscribing to {} failed: {}", channel, e.toString());
      resubscribeLater();
      return;
    }
    subscription = renewed;
    if (closed) {
      renewed.close();
      return;
    }
    whenConfirmed(
        renewed,
        () -> {
          log.info("Log stream of {} to {} resumed", channel, connection.id());
          // A backlog still waiting to be read reads everything: catching up before it would
          // start the follower at the stream's end and send an empty backlog.
          follower.locked(() -> liveStarted && follower.catchUp(false));
        },
        error -> {
          log.debug("Resubscribing to {} was not confirmed: {}", channel, error.toString());
          resubscribeLater();
        });
  }

  /**
   * Tells whether the backlog was sent: the tail follows the live stream from then on.
   *
   * @return {@code true} once the backlog is out
   */
  boolean isBacklogSent() {
    synchronized (sendLock) {
      return backlogSent;
    }
  }

  /**
   * Tells whether the job's end was delivered.
   *
   * @return {@code true} after {@code job_end}
   */
  public boolean isEnded() {
    return ended;
  }

  @Override
  public void close() {
    closed = true;
    TransportSubscription current = subscription;
    if (current != null) {
      if (emitter != null && emitter.isDeliveringLocally()) {
        unsubscribeLater(current);
      } else {
        current.close();
      }
    }
    TransportSubscription[] locals = localSubscriptions;
    if (locals != null) {
      for (TransportSubscription local : locals) {
        local.close();
      }
    }
  }

  /**
   * Closes the subscription off the emitting thread, which holds the emitter's lock (a local {@code
   * job_end} ended the stream): unsubscribing may wait for a backbone that is away, and every emit
   * would wait meanwhile.
   */
  private void unsubscribeLater(TransportSubscription current) {
    try {
      emitter.scheduler().schedule(current::close, Duration.ZERO);
    } catch (RuntimeException e) {
      // The emitter is closed: its own scheduler is gone, and so is the lock's contention.
      current.close();
    }
  }

  private final class BackboneListener implements TransportListener {
    @Override
    public void onMessage(TransportMessage message) {
      if (!message.isStream()) {
        onPlain(message, false);
        return;
      }
      // Until the backlog is out, live lines wait in the history: taking one first would make the
      // follower start after it and skip the backlog. The check and the delivery share the lock.
      follower.locked(
          () -> {
            if (liveStarted) {
              follower.onMessage(message);
            }
            return null;
          });
    }

    @Override
    public void onFailure(Throwable cause) {
      if (emitter == null) {
        fail("the subscription broke: " + cause);
        return;
      }
      log.warn(
          "Log stream of {} to {} broke, retrying in {}: {}",
          channel,
          connection.id(),
          emitter.retryInterval(),
          cause.toString());
      resubscribeLater();
    }
  }
}
