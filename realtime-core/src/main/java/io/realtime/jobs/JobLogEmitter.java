package io.realtime.jobs;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.OutboundLimits;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.util.Durations;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.internal.util.OwnedScheduler;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes job log lines, {@code {"type":"log","data":{timestamp, level, message, context}}}, to
 * the stream channel {@code job:{job_id}:logs}. The stream keeps each job's latest lines (1,000 by
 * default, the transport's history), so a client that connects mid-job gets the backlog, then the
 * live tail. After {@link #completed} or {@link #failed} comes {@code
 * {"type":"job_end","data":{"status":...}}}.
 *
 * <p><b>Retention.</b> Each line is appended with {@link Builder#lineRetention} (24 h by default)
 * and {@code job_end} with {@link Builder#endRetention} (1 h): the job's whole stream is deleted
 * from the backbone that long after its last append, so finished and abandoned jobs leave nothing
 * behind. A viewer of a job that does not exist (never started, or expired) gets an empty backlog
 * and waits for lines.
 *
 * <p><b>Viewers.</b> {@link JobLogTail#attach(JobLogEmitter, String,
 * io.realtime.connection.RegisteredConnection)} never waits on the backbone: each viewer's backlog
 * is read and sent, once its subscription is confirmed, on the emitter's few backlog threads
 * ({@link Builder#backlogThreads}), shared by all viewers.
 *
 * <p>Publishing never throws for a transport failure: the stage completes with {@code false} and
 * {@link #emitErrors()} counts it. An invalid job id is refused at once, and so is a line whose
 * wire form would be larger than the connections' byte bound ({@link Builder#maxMessageBytes}):
 * such a line could never be written to a viewer without closing it as a slow consumer.
 *
 * <p><b>Under faults</b> job logs have the events' resilience. Every append carries a message id,
 * so a retried append never stores a second copy. A circuit breaker ({@value #SERVICE_NAME} by
 * default) counts consecutive failures of every append. A line whose append failed, or that the
 * breaker refused, or that comes while older lines still wait, goes to a bounded outbox (10,000
 * lines by default; past it the oldest is dropped, counted by {@link #outboxDropped()}) and is
 * delivered at once to this instance's viewers attached with {@link
 * JobLogTail#attach(JobLogEmitter, String, io.realtime.connection.RegisteredConnection)}, without
 * {@code seq}; they are told first with a {@code service_status} notice ({@code status:
 * "degraded"}). Every retry interval (1 s by default), when the breaker lets calls through, the
 * outbox is appended in order, each line with its first id; once it is empty the viewers get a
 * {@code status: "healthy"} notice. A viewer that was given a line locally skips it when it comes
 * back from the stream, so it sees each line once: the local delivery happens on the emitting
 * thread, before the line can be appended, so the stream copy can never come first. Lines emitted
 * on other instances during an outage reach the viewers from the history once the backbone answers
 * again. Recovery waits at most the breaker's recovery timeout.
 *
 * <p><b>Order.</b> The history keeps one emitter's emit order, given a transport that runs one
 * channel's calls in the order they are made (the in-memory transport does): appends are issued
 * under one lock; while the outbox holds lines, new ones queue behind them; the flush appends one
 * line at a time, keeps it in the outbox until stored, and waits while an append made at emit is
 * still in flight, whose line, if it fails, takes its emit place in the outbox. The bound counts
 * the lines waiting, not the one being appended; a counted drop never reaches the backbone from the
 * outbox. Two cases remain: a line whose append failed after a later line's append succeeded (a
 * transport that failed one call and ran the next, such as a reconnect in between) is stored after
 * it; and a line given to the viewers locally is sent, without {@code seq}, when it was queued, so
 * lines appended just before it that the stream had not yet brought reach the viewer after it.
 *
 * <p><b>What a reconnecting viewer sees.</b> A viewer that was given lines locally and then
 * reconnects gets the backlog, with those lines again, now with {@code seq}: its new connection
 * cannot know what the old one was given. The stream copy's text is the local copy's, byte for byte
 * (same timestamp, level, message and context), so a client that keeps the lines it got without
 * {@code seq} can drop the matching backlog lines; the server does not.
 *
 * <p>Thread-safe. {@link #close()} stops the emitter's own retry thread, if it made one.
 */
public final class JobLogEmitter implements AutoCloseable {

  /** The name of the default circuit breaker and of the {@code service_status} notices. */
  public static final String SERVICE_NAME = "job_logs";

  static final String DEGRADED_MESSAGE =
      "Job log streaming is degraded. Lines are delivered to this server's viewers only until the"
          + " backbone is back.";
  static final String RECOVERED_MESSAGE = "Job log streaming recovered.";

  /** The local channel of the notices: no job channel, whose ids exclude ':'. */
  static final String NOTICE_CHANNEL = "job-logs:notices";

  /** The default {@link Builder#lineRetention} in hours. */
  public static final int DEFAULT_LINE_RETENTION_HOURS = 24;

  /** The default {@link Builder#endRetention} in hours. */
  public static final int DEFAULT_END_RETENTION_HOURS = 1;

  /** The default {@link Builder#backlogThreads}. */
  public static final int DEFAULT_BACKLOG_THREADS = 2;

  /** The default {@link Builder#confirmationTimeout} in seconds. */
  public static final int DEFAULT_CONFIRMATION_TIMEOUT_SECONDS = 5;

  private static final Duration DEFAULT_LINE_RETENTION =
      Duration.ofHours(DEFAULT_LINE_RETENTION_HOURS);
  private static final Duration DEFAULT_END_RETENTION =
      Duration.ofHours(DEFAULT_END_RETENTION_HOURS);
  private static final Duration DEFAULT_CONFIRMATION_TIMEOUT =
      Duration.ofSeconds(DEFAULT_CONFIRMATION_TIMEOUT_SECONDS);

  /** How long an idle backlog thread lives: opening viewers come in bursts. */
  private static final long BACKLOG_THREAD_KEEP_ALIVE_SECONDS = 30;

  /** How long an append may take before its line counts as failed (it may still be stored). */
  private static final long APPEND_TIMEOUT_SECONDS = 10;

  private static final Logger log = LoggerFactory.getLogger(JobLogEmitter.class);

  private final Transport transport;
  private final MessageCodec codec;
  private final TimeSource time;
  private final CircuitBreaker breaker;
  private final long maxMessageBytes;
  private final int outboxCapacity;
  private final Duration retryInterval;
  private final OwnedScheduler<TaskScheduler> scheduler;
  private final Duration lineRetention;
  private final Duration endRetention;
  private final Duration confirmationTimeout;
  private final String logChannelPattern;

  /** Reads and sends viewers' backlogs: a few threads of the emitter's own, idle ones stop. */
  private final ThreadPoolExecutor backlogExecutor;

  /** This instance's viewers of the lines delivered locally, by channel; called under the lock. */
  private final Map<String, List<TransportListener>> localViewers = new ConcurrentHashMap<>();

  private final AtomicLong emitCount = new AtomicLong();
  private final AtomicLong emitErrors = new AtomicLong();

  /**
   * Guards the outbox and the rest below, issues the appends made at emit and delivers locally, so
   * that all three follow emit order.
   */
  private final Object lock = new Object();

  /** In emit order; its head stays in it while the flush appends it. */
  private final ArrayDeque<Pending> outbox = new ArrayDeque<>();

  private long outboxDropped;
  private long emitted;

  /** Read without the lock by viewers, which must not take it (they are called under it). */
  private volatile boolean degraded;

  /** A flush is scheduled or running: only one runs at a time. */
  private boolean flushScheduled;

  /** The outbox head the flush is appending; never dropped by the bound meanwhile. */
  private Pending flushing;

  /**
   * The lines of the appends made at emit whose outcome is not known yet, with their counts: the
   * flush waits for them, and a viewer that gets one from the stream meanwhile drops its local copy
   * should the append report failure though it stored the line. Written under the lock, read by
   * viewers without it.
   */
  private final Map<AppendKey, Integer> appending = new ConcurrentHashMap<>();

  private record AppendKey(String channel, String text) {}

  /** A line for the backbone, with the id its every append carries and its place in emit order. */
  private record Pending(
      String channel, String messageId, String text, Duration retention, long order) {}

  /**
   * Creates an emitter with the defaults of {@link #builder}.
   *
   * @param transport the backbone
   * @param codec the codec
   * @param time the clock stamping the lines
   */
  public JobLogEmitter(Transport transport, MessageCodec codec, TimeSource time) {
    this(builder(transport).codec(codec).timeSource(time));
  }

  private JobLogEmitter(Builder builder) {
    this.transport = builder.transport;
    this.codec = builder.codec;
    this.time = builder.timeSource;
    this.breaker =
        builder.circuitBreaker != null
            ? builder.circuitBreaker
            : CircuitBreaker.builder(SERVICE_NAME).timeSource(builder.timeSource).build();
    this.maxMessageBytes = builder.maxMessageBytes;
    this.outboxCapacity = builder.outboxCapacity;
    this.retryInterval = builder.retryInterval;
    this.scheduler =
        new OwnedScheduler<>(builder.scheduler, "realtime-" + SERVICE_NAME, TaskScheduler::of);
    this.lineRetention = builder.lineRetention;
    this.endRetention = builder.endRetention;
    this.confirmationTimeout = builder.confirmationTimeout;
    this.logChannelPattern = builder.logChannelPattern;
    this.backlogExecutor =
        new ThreadPoolExecutor(
            builder.backlogThreads,
            builder.backlogThreads,
            BACKLOG_THREAD_KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory("realtime-" + SERVICE_NAME + "-backlog"));
    this.backlogExecutor.allowCoreThreadTimeOut(true);
  }

  /**
   * Returns a builder with the defaults: JSON codec, system clock, a breaker named {@value
   * #SERVICE_NAME} with the broadcasters' defaults, the registry's default byte bound ({@link
   * OutboundLimits#defaults()}), an outbox of 10,000 lines, a retry every second on a thread of the
   * emitter's own.
   *
   * @param transport the backbone
   * @return the builder
   */
  public static Builder builder(Transport transport) {
    return new Builder(transport);
  }

  /**
   * Publishes a log line.
   *
   * @param jobId the job
   * @param level the level, written in upper case
   * @param message the line
   * @param context structured context, or {@code null}
   * @return a stage completing with {@code true} once stored in the backbone, {@code false} if it
   *     went to the outbox instead (delivered to this instance's viewers, appended later)
   * @throws IllegalArgumentException if the job id is invalid or the line is larger than the byte
   *     bound allows
   */
  public CompletionStage<Boolean> emit(
      String jobId, String level, String message, Map<String, ?> context) {
    String channel = logChannel(jobId);
    LogEntry entry =
        new LogEntry(
            time.now(),
            level,
            message,
            context == null ? null : new LinkedHashMap<String, Object>(context));
    return append(channel, Envelope.log(entry), lineRetention);
  }

  /**
   * Publishes {@code INFO "Job started: <type>"} with context {@code {job_type, metadata}}.
   *
   * @param jobId the job
   * @param jobType the kind of job
   * @param metadata extra data, or {@code null}
   * @return as {@link #emit}
   */
  public CompletionStage<Boolean> started(String jobId, String jobType, Map<String, ?> metadata) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("job_type", jobType);
    context.put("metadata", metadata == null ? Map.of() : metadata);
    return emit(jobId, "INFO", "Job started: " + jobType, context);
  }

  /**
   * Publishes {@code INFO "<step>: <p>%"} (or {@code "Progress: <p>%"} without a step) with context
   * {@code progress_percent} and, when given, {@code current_step}, {@code items_processed}, {@code
   * items_total}.
   *
   * @param jobId the job
   * @param percent the progress, from 0 to 100
   * @param currentStep the step, or {@code null}
   * @param itemsProcessed items done, or {@code null}
   * @param itemsTotal items in all, or {@code null}
   * @return as {@link #emit}
   */
  public CompletionStage<Boolean> progress(
      String jobId, int percent, String currentStep, Integer itemsProcessed, Integer itemsTotal) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("progress percent must be from 0 to 100, got " + percent);
    }
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("progress_percent", percent);
    if (currentStep != null) {
      context.put("current_step", currentStep);
    }
    if (itemsProcessed != null) {
      context.put("items_processed", itemsProcessed);
    }
    if (itemsTotal != null) {
      context.put("items_total", itemsTotal);
    }
    String message = (currentStep != null ? currentStep : "Progress") + ": " + percent + "%";
    return emit(jobId, "INFO", message, context);
  }

  /**
   * Publishes {@code INFO "Job completed successfully"} (with {@code " in <d>s"} when the duration
   * is known) with context {@code {status:"completed", result, duration_seconds}}, then {@code
   * job_end}.
   *
   * @param jobId the job
   * @param result the job's result, or {@code null}
   * @param duration how long it ran, or {@code null}
   * @return a stage completing with {@code true} once both were published
   */
  public CompletionStage<Boolean> completed(String jobId, Object result, Duration duration) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("status", "completed");
    context.put("result", result);
    Double seconds = duration == null ? null : duration.toMillis() / 1000.0;
    context.put("duration_seconds", seconds);
    String message =
        seconds == null
            ? "Job completed successfully"
            : String.format(Locale.ROOT, "Job completed successfully in %.1fs", seconds);
    return emit(jobId, "INFO", message, context).thenCompose(ok -> end(jobId, "completed", ok));
  }

  /**
   * Publishes {@code ERROR "Job failed: <error>"} with context {@code {status:"failed", error,
   * error_code, retryable}}, then {@code job_end}.
   *
   * @param jobId the job
   * @param error what went wrong
   * @param errorCode a machine-readable code, or {@code null}
   * @param retryable whether the job may be retried
   * @return a stage completing with {@code true} once both were published
   */
  public CompletionStage<Boolean> failed(
      String jobId, String error, String errorCode, boolean retryable) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("status", "failed");
    context.put("error", error);
    context.put("error_code", errorCode);
    context.put("retryable", retryable);
    return emit(jobId, "ERROR", "Job failed: " + error, context)
        .thenCompose(ok -> end(jobId, "failed", ok));
  }

  private CompletionStage<Boolean> end(String jobId, String status, boolean lineSent) {
    return append(logChannel(jobId), Envelope.jobEnd(new JobEnd(status)), endRetention)
        .thenApply(endSent -> lineSent && endSent);
  }

  private CompletionStage<Boolean> append(String channel, Envelope message, Duration retention) {
    String text = codec.encode(message);
    requireFits(text);
    String messageId = UUID.randomUUID().toString();
    Pending line;
    CompletionStage<?> sent;
    synchronized (lock) {
      line = new Pending(channel, messageId, text, retention, ++emitted);
      // While older lines wait, a new one waits behind them, so the history keeps emit order.
      if (!outbox.isEmpty() || !breaker.tryAcquirePermission()) {
        emitErrors.incrementAndGet();
        queue(line);
        return CompletableFuture.completedFuture(false);
      }
      // Issued under the lock so that appends leave in emit order; the call does not block.
      AppendKey key = new AppendKey(channel, text);
      appending.merge(key, 1, Integer::sum);
      try {
        sent = transport.append(channel, text, messageId, retention);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
    }
    // Bounded, so that the flush, which waits for appends in flight, never waits for ever.
    return sent.toCompletableFuture()
        .copy()
        .orTimeout(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .handle(
            (ignored, error) -> {
              if (error != null) {
                breaker.recordFailure();
                emitErrors.incrementAndGet();
                log.warn(
                    "Publishing a {} to {} failed, delivering it locally and keeping it in the"
                        + " outbox: {}",
                    message.type(),
                    channel,
                    error.toString());
                synchronized (lock) {
                  // One step with the queueing, so that a flush cannot append a later line in
                  // between; and after it, so that a viewer that got the line from the stream
                  // meanwhile still knows it when the local copy comes.
                  queue(line);
                  settled(line);
                }
                return false;
              }
              synchronized (lock) {
                settled(line);
              }
              breaker.recordSuccess();
              emitCount.incrementAndGet();
              return true;
            });
  }

  /** An append made at emit is over; under the lock. */
  private void settled(Pending line) {
    appending.computeIfPresent(
        new AppendKey(line.channel(), line.text()), (key, count) -> count == 1 ? null : count - 1);
  }

  /**
   * Tells whether an append of this line made at emit is in flight: its outcome is not known yet.
   *
   * @return {@code true} until it was stored or queued
   */
  boolean isAppending(String channel, String text) {
    return appending.containsKey(new AppendKey(channel, text));
  }

  private void requireFits(String text) {
    long bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes + OutboundLimits.POSITION_ALLOWANCE_BYTES > maxMessageBytes) {
      throw new IllegalArgumentException(
          "a job log message of "
              + bytes
              + " bytes does not fit the connections' byte bound of "
              + maxMessageBytes
              + " bytes (with "
              + OutboundLimits.POSITION_ALLOWANCE_BYTES
              + " bytes kept for its stream position): no viewer could receive it; shorten it or"
              + " raise maxMessageBytes with OutboundLimits.maxBytes");
    }
  }

  /**
   * Keeps a line for the backbone, in its emit place, and gives it to this instance's viewers now,
   * before the flush can append it; under the lock.
   */
  private void queue(Pending line) {
    if (!degraded) {
      degraded = true;
      log.warn("Job logs are degraded: lines go to this instance's viewers and the outbox");
      deliverLocally(NOTICE_CHANNEL, codec.encode(notice("degraded", DEGRADED_MESSAGE)));
    }
    if (outboxCapacity > 0) {
      insertInOrder(line);
      trimToCapacity();
    } else {
      countDrop();
    }
    deliverLocally(line.channel(), line.text());
    scheduleFlush();
  }

  /**
   * Adds a line at its emit place: at the tail but for a failed append whose later lines were
   * queued first (they were refused, or failed sooner). Never before the head being appended.
   */
  private void insertInOrder(Pending line) {
    ArrayDeque<Pending> later = new ArrayDeque<>();
    while (!outbox.isEmpty()
        && outbox.peekLast() != flushing
        && outbox.peekLast().order() > line.order()) {
      later.addFirst(outbox.pollLast());
    }
    outbox.addLast(line);
    outbox.addAll(later);
  }

  /**
   * Drops the oldest waiting lines past the bound; the head being appended is not waiting and is
   * not dropped (its append may be storing it right now); under the lock.
   */
  private void trimToCapacity() {
    while (outbox.size() - (flushing == null ? 0 : 1) > outboxCapacity) {
      if (flushing == null) {
        outbox.removeFirst();
      } else {
        Pending pinned = outbox.removeFirst();
        outbox.removeFirst();
        outbox.addFirst(pinned);
      }
      countDrop();
    }
  }

  /** Gives a text to this instance's viewers of a channel, on this thread; under the lock. */
  private void deliverLocally(String channel, String text) {
    List<TransportListener> viewers = localViewers.get(channel);
    if (viewers == null) {
      return;
    }
    TransportMessage message = TransportMessage.plain(channel, text);
    for (TransportListener viewer : viewers) {
      try {
        viewer.onMessage(message);
      } catch (RuntimeException e) {
        log.warn("A local viewer of {} failed; it stays subscribed", channel, e);
      }
    }
  }

  private void countDrop() {
    outboxDropped++;
    if (outboxDropped == 1 || outboxDropped % 1_000 == 0) {
      log.warn(
          "Job log outbox is full ({} lines): {} lines will not reach the backbone",
          outboxCapacity,
          outboxDropped);
    }
  }

  /** Under the lock. */
  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      scheduler.scheduler().schedule(this::flush, retryInterval);
    }
  }

  /**
   * Appends the outbox in order, each line with its first id, while the breaker lets calls through;
   * runs on the scheduler, one at a time (the flag stays set while it runs), and reschedules itself
   * while lines wait.
   */
  private void flush() {
    int sent = 0;
    while (true) {
      Pending head;
      synchronized (lock) {
        head = outbox.peekFirst();
        if (head == null) {
          flushScheduled = false;
          if (!degraded) {
            return;
          }
          degraded = false;
          deliverLocally(NOTICE_CHANNEL, codec.encode(notice("healthy", RECOVERED_MESSAGE)));
          break;
        }
        if (!appending.isEmpty()) {
          // An append made at emit may still fail and queue an older line: it goes first.
          retryFlushLater();
          return;
        }
        if (!breaker.tryAcquirePermission()) {
          retryFlushLater();
          head = null;
        } else {
          flushing = head;
        }
      }
      if (head == null) {
        probeWhileOpen();
        return;
      }
      if (!appendHead(head)) {
        return;
      }
      sent++;
    }
    log.info("Job logs recovered: {} queued lines appended to the backbone", sent);
  }

  /**
   * Appends the head the flush pinned, and removes it once stored: only it, found by identity, as
   * nothing but the flush removes a pinned head.
   *
   * @return whether the flush goes on
   */
  private boolean appendHead(Pending head) {
    try {
      transport
          .append(head.channel(), head.text(), head.messageId(), head.retention())
          .toCompletableFuture()
          .get(APPEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (lock) {
        flushing = null;
        flushScheduled = false;
      }
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      breaker.recordFailure();
      log.debug("Job log outbox flush stopped: {}", e.toString());
      synchronized (lock) {
        flushing = null;
        // Lines queued during the append may have been let past the bound: the head waits again.
        trimToCapacity();
        retryFlushLater();
      }
      return false;
    }
    breaker.recordSuccess();
    emitCount.incrementAndGet();
    synchronized (lock) {
      flushing = null;
      if (outbox.peekFirst() == head) {
        outbox.pollFirst();
      }
    }
    return true;
  }

  /** Runs the flush again after a retry interval; under the lock, by the running flush. */
  private void retryFlushLater() {
    scheduler.scheduler().schedule(this::flush, retryInterval);
  }

  /**
   * While the breaker is open, asks the backbone cheaply whether it answers again: if it does, the
   * breaker half-opens at once and the next flush is its trial, within a retry interval of the
   * backbone's return instead of after the whole open window.
   */
  private void probeWhileOpen() {
    if (breaker.state() != CircuitBreaker.State.OPEN) {
      return;
    }
    transport
        .probe()
        .whenComplete(
            (answered, error) -> {
              if (error == null && breaker.probeSucceeded()) {
                log.info("The backbone answers again: job log outbox flush resumes");
              }
            });
  }

  private Envelope notice(String status, String message) {
    return Envelope.serviceStatus(
        new ServiceStatus(SERVICE_NAME, status, message, breaker.state().wireName()), null);
  }

  /** The backbone, for the viewers. */
  Transport transport() {
    return transport;
  }

  /** The codec, for the viewers. */
  MessageCodec codec() {
    return codec;
  }

  /** How many lines a viewer remembers having been given locally: as many as the outbox holds. */
  int outboxCapacity() {
    return outboxCapacity;
  }

  /**
   * Tells whether this thread is delivering lines locally, holding the lock every emit takes: a
   * viewer must then not wait for the backbone.
   *
   * @return {@code true} inside a local viewer's listener
   */
  boolean isDeliveringLocally() {
    return Thread.holdsLock(lock);
  }

  /** Where a viewer retries its subscription. */
  TaskScheduler scheduler() {
    return scheduler.scheduler();
  }

  /** How long a viewer waits before retrying its subscription. */
  Duration retryInterval() {
    return retryInterval;
  }

  /**
   * Returns the transport channel of a job's logs, under this emitter's pattern ({@link
   * Builder#logChannel}); tails attached through this emitter follow the same channel.
   *
   * @param jobId a valid job id
   * @return the channel
   * @throws IllegalArgumentException if the id is invalid
   */
  public String logChannel(String jobId) {
    return JobIds.logChannel(logChannelPattern, jobId);
  }

  /** Where viewers read and send their backlogs and catch up: never a transport's thread. */
  Executor backlogExecutor() {
    return backlogExecutor;
  }

  /** How long a viewer waits for its subscription to be confirmed. */
  Duration confirmationTimeout() {
    return confirmationTimeout;
  }

  /**
   * Returns how long a job's stream is kept after its last line.
   *
   * @return the line retention
   */
  public Duration lineRetention() {
    return lineRetention;
  }

  /**
   * Returns how long a job's stream is kept after its {@code job_end}.
   *
   * @return the end retention
   */
  public Duration endRetention() {
    return endRetention;
  }

  /**
   * Subscribes a viewer to the lines of a job channel delivered locally, and to the notices, under
   * the lock, where notices are given: the state then and the notices after it tell the viewer each
   * change once.
   *
   * @return the two subscriptions, and the notice the viewer is to get first
   */
  LocalView subscribeLocally(String channel, TransportListener lines, TransportListener notices) {
    synchronized (lock) {
      return new LocalView(
          new TransportSubscription[] {
            viewLocally(channel, lines), viewLocally(NOTICE_CHANNEL, notices)
          },
          degradedNotice());
    }
  }

  /**
   * A viewer's local subscriptions, and the notice of the state they were made in.
   *
   * @param subscriptions the lines' and the notices'
   * @param notice {@code degraded} if lines were given locally then, else empty
   */
  record LocalView(TransportSubscription[] subscriptions, Optional<Envelope> notice) {}

  private TransportSubscription viewLocally(String channel, TransportListener listener) {
    localViewers.compute(
        channel,
        (key, viewers) -> {
          List<TransportListener> all = viewers == null ? new CopyOnWriteArrayList<>() : viewers;
          all.add(listener);
          return all;
        });
    return new LocalViewer(channel, listener, localViewers);
  }

  /**
   * A viewer of the lines delivered locally. Its listener is called on the emitting thread under
   * the emitter's lock: it must be quick and must not call back into the emitter's locked methods.
   */
  private record LocalViewer(
      String channel, TransportListener listener, Map<String, List<TransportListener>> all)
      implements TransportSubscription {

    @Override
    public boolean isActive() {
      List<TransportListener> viewers = all.get(channel);
      return viewers != null && viewers.contains(listener);
    }

    @Override
    public void close() {
      all.computeIfPresent(
          channel,
          (key, viewers) -> {
            viewers.remove(listener);
            return viewers.isEmpty() ? null : viewers;
          });
    }
  }

  /**
   * Tells whether lines wait in the outbox or the breaker refuses appends.
   *
   * @return {@code true} while degraded
   */
  public boolean isDegraded() {
    return degraded;
  }

  /**
   * Returns the {@code service_status} notice a viewer that connects now should get: {@code
   * degraded} while lines go to the outbox, else empty.
   *
   * @return the notice
   */
  public Optional<Envelope> degradedNotice() {
    return isDegraded() ? Optional.of(notice("degraded", DEGRADED_MESSAGE)) : Optional.empty();
  }

  /**
   * Returns the breaker guarding the appends.
   *
   * @return the breaker
   */
  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  /**
   * Returns the byte bound each line must fit, its stream position included.
   *
   * @return the bound
   */
  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Returns how many lines wait for the backbone.
   *
   * @return the outbox size
   */
  public int outboxSize() {
    synchronized (lock) {
      return outbox.size();
    }
  }

  /**
   * Returns how many lines were dropped because the outbox was full.
   *
   * @return the count
   */
  public long outboxDropped() {
    synchronized (lock) {
      return outboxDropped;
    }
  }

  /**
   * Returns how many messages were published, at emit or later from the outbox.
   *
   * @return the count
   */
  public long emitCount() {
    return emitCount.get();
  }

  /**
   * Returns how many messages could not be published when emitted (they went to the outbox).
   *
   * @return the count
   */
  public long emitErrors() {
    return emitErrors.get();
  }

  /**
   * Stops the retry thread the emitter made (a host's scheduler is left alone), its backlog threads
   * and the local delivery; lines still in the outbox are dropped. The transport is left open.
   */
  @Override
  public void close() {
    scheduler.close();
    backlogExecutor.shutdownNow();
    localViewers.clear();
  }

  /**
   * Builds a {@link JobLogEmitter}. Every setting but the transport has a default; setters validate
   * at once. Not thread-safe.
   */
  public static final class Builder {
    private final Transport transport;
    private MessageCodec codec = MessageCodec.json();
    private TimeSource timeSource = TimeSource.system();
    private CircuitBreaker circuitBreaker;
    private long maxMessageBytes = OutboundLimits.defaults().maxBytes();
    private int outboxCapacity = 10_000;
    private Duration retryInterval = Duration.ofSeconds(1);
    private TaskScheduler scheduler;
    private Duration lineRetention = DEFAULT_LINE_RETENTION;
    private Duration endRetention = DEFAULT_END_RETENTION;
    private int backlogThreads = DEFAULT_BACKLOG_THREADS;
    private Duration confirmationTimeout = DEFAULT_CONFIRMATION_TIMEOUT;
    private String logChannelPattern = JobIds.DEFAULT_LOG_CHANNEL;

    private Builder(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
    }

    /**
     * Sets the codec; {@link MessageCodec#json()} by default.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(MessageCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets the clock stamping the lines (and the default breaker's); the system's by default.
     *
     * @param timeSource the clock
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Sets the breaker guarding the appends. By default one named {@value #SERVICE_NAME} with the
     * broadcasters' defaults (failure threshold 5, recovery timeout 30 s), reading this builder's
     * time source. Register it with a {@link io.realtime.breaker.CircuitBreakerRegistry} to have it
     * reported in {@code circuit_breaker_update}.
     *
     * @param circuitBreaker the breaker
     * @return this builder
     */
    public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
      this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
      return this;
    }

    /**
     * Sets the byte bound a line's wire form must fit, {@value
     * OutboundLimits#POSITION_ALLOWANCE_BYTES} bytes for its stream position included; set it to
     * the registry's {@link OutboundLimits#maxBytes()}. {@link OutboundLimits#defaults()} (1 MiB)
     * by default.
     *
     * @param maxMessageBytes the bound, positive
     * @return this builder
     */
    public Builder maxMessageBytes(long maxMessageBytes) {
      if (maxMessageBytes < 1) {
        throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
      }
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /**
     * Sets how many lines wait for the backbone while it is away; 10,000 by default, 0 to deliver
     * them to this instance's viewers only.
     *
     * @param outboxCapacity 0 or more
     * @return this builder
     */
    public Builder outboxCapacity(int outboxCapacity) {
      if (outboxCapacity < 0) {
        throw new IllegalArgumentException("outboxCapacity must be >= 0, got " + outboxCapacity);
      }
      this.outboxCapacity = outboxCapacity;
      return this;
    }

    /**
     * Sets how often the outbox flush and a viewer's resubscription are retried; 1 s by default.
     *
     * @param retryInterval a positive duration
     * @return this builder
     */
    public Builder retryInterval(Duration retryInterval) {
      this.retryInterval = Durations.requirePositive("retryInterval", retryInterval);
      return this;
    }

    /**
     * Sets where retries are scheduled. By default the emitter owns a daemon thread, started on the
     * first retry, and stops it on {@link JobLogEmitter#close()}. The outbox flush waits on it for
     * each append (at most 10 s), so do not give a scheduler that must stay prompt.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets how long a job's stream is kept after its last line without a newer one: the whole
     * stream (lines, offsets, epoch) is then deleted from the backbone, so a job that stopped
     * without {@code job_end} does not stay for ever. {@value #DEFAULT_LINE_RETENTION_HOURS} hours
     * by default.
     *
     * @param lineRetention a positive duration
     * @return this builder
     */
    public Builder lineRetention(Duration lineRetention) {
      this.lineRetention = Durations.requirePositive("lineRetention", lineRetention);
      return this;
    }

    /**
     * Sets how long a job's stream is kept after its {@code job_end}, for viewers that open it
     * late; then the whole stream is deleted. {@value #DEFAULT_END_RETENTION_HOURS} hour by
     * default.
     *
     * @param endRetention a positive duration
     * @return this builder
     */
    public Builder endRetention(Duration endRetention) {
      this.endRetention = Durations.requirePositive("endRetention", endRetention);
      return this;
    }

    /**
     * Sets how many threads of the emitter read and send viewers' backlogs, once each viewer's
     * subscription is confirmed: a read may wait on the backbone, so it never runs on a container
     * thread or a transport thread, and viewers share these few threads however many there are.
     * {@value #DEFAULT_BACKLOG_THREADS} by default; idle threads stop.
     *
     * @param backlogThreads 1 or more
     * @return this builder
     */
    public Builder backlogThreads(int backlogThreads) {
      if (backlogThreads < 1) {
        throw new IllegalArgumentException("backlogThreads must be >= 1, got " + backlogThreads);
      }
      this.backlogThreads = backlogThreads;
      return this;
    }

    /**
     * Sets how long a viewer waits for its subscription to be confirmed before it is closed with
     * 1013 ({@link JobLogTail#BACKBONE_UNAVAILABLE}), to reconnect later; {@value
     * #DEFAULT_CONFIRMATION_TIMEOUT_SECONDS} s by default. Measured on the emitter's scheduler.
     *
     * @param confirmationTimeout a positive duration
     * @return this builder
     */
    public Builder confirmationTimeout(Duration confirmationTimeout) {
      this.confirmationTimeout =
          Durations.requirePositive("confirmationTimeout", confirmationTimeout);
      return this;
    }

    /**
     * Sets the pattern of the jobs' transport channels, {@code {id}} standing for the job id;
     * {@value JobIds#DEFAULT_LOG_CHANNEL} by default (the original system's). Two applications
     * sharing one Redis keep their job logs apart with two patterns. The tails attached through
     * this emitter ({@link JobLogTail#attach(JobLogEmitter, String, RegisteredConnection)}, and the
     * {@code /ws/jobs/{id}/logs} endpoint given this emitter) follow the same channels.
     *
     * @param pattern for example {@code app1:job:{id}:logs}
     * @return this builder
     * @throws IllegalArgumentException if {@code {id}} is not in it exactly once, or it is blank or
     *     holds whitespace
     */
    public Builder logChannel(String pattern) {
      this.logChannelPattern = JobIds.requireLogChannelPattern(pattern);
      return this;
    }

    /**
     * Builds the emitter.
     *
     * @return the emitter
     */
    public JobLogEmitter build() {
      return new JobLogEmitter(this);
    }
  }
}
