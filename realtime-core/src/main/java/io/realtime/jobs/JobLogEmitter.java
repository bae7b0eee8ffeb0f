package io.realtime.jobs;

import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * <p>Publishing never throws for a transport failure: the stage completes with {@code false} and
 * {@link #emitErrors()} counts it. An invalid job id is refused at once.
 */
public final class JobLogEmitter {

  private static final Logger log = LoggerFactory.getLogger(JobLogEmitter.class);

  private final Transport transport;
  private final MessageCodec codec;
  private final TimeSource time;
  private final AtomicLong emitCount = new AtomicLong();
  private final AtomicLong emitErrors = new AtomicLong();

  /**
   * Creates an emitter.
   *
   * @param transport the backbone
   * @param codec the codec
   * @param time the clock stamping the lines
   */
  public JobLogEmitter(Transport transport, MessageCodec codec, TimeSource time) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * Publishes a log line.
   *
   * @param jobId the job
   * @param level the level, written in upper case
   * @param message the line
   * @param context structured context, or {@code null}
   * @return a stage completing with {@code true} once published, {@code false} if the transport
   *     failed
   * @throws IllegalArgumentException if the job id is invalid
   */
  public CompletionStage<Boolean> emit(
      String jobId, String level, String message, Map<String, ?> context) {
    String channel = JobIds.logChannel(jobId);
    LogEntry entry =
        new LogEntry(
            time.now(),
            level,
            message,
            context == null ? null : new LinkedHashMap<String, Object>(context));
    return append(channel, Envelope.log(entry));
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
    return append(JobIds.logChannel(jobId), Envelope.jobEnd(new JobEnd(status)))
        .thenApply(endSent -> lineSent && endSent);
  }

  private CompletionStage<Boolean> append(String channel, Envelope message) {
    String text = codec.encode(message);
    CompletionStage<?> sent;
    try {
      sent = transport.append(channel, text);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (ignored, error) -> {
          if (error != null) {
            emitErrors.incrementAndGet();
            log.warn("Publishing a {} to {} failed: {}", message.type(), channel, error.toString());
            return false;
          }
          emitCount.incrementAndGet();
          return true;
        });
  }

  /**
   * Returns how many messages were published.
   *
   * @return the count
   */
  public long emitCount() {
    return emitCount.get();
  }

  /**
   * Returns how many messages could not be published.
   *
   * @return the count
   */
  public long emitErrors() {
    return emitErrors.get();
  }
}
