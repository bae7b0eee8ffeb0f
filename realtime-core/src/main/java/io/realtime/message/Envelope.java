package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.realtime.internal.util.ImmutableJson;
import io.realtime.message.payload.CircuitBreakerUpdate;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.message.payload.ShutdownNotice;
import io.realtime.message.payload.SystemStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code {"type":..,"data":..}} envelope that carries every data message: events, status, logs,
 * notices.
 *
 * <p>Messages of a stream (events, job logs) also carry their position: {@code seq}, the offset of
 * the message in its channel, and {@code epoch}, the id of that channel's history. A copy sent
 * again in a resync carries {@code "replay": true}. Optional fields are left out of the JSON when
 * unset.
 *
 * @param type the wire type
 * @param data the payload: one of the typed payload records of {@code io.realtime.message.payload},
 *     a {@link Map} for other types, or {@code null}
 * @param timestamp when the message was produced, or {@code null} when the message has none
 * @param seq the per-channel offset, {@code 1} or more, or {@code null} outside a stream
 * @param epoch the id of the stream's history, set exactly when {@code seq} is
 * @param replay whether this is a copy replayed after a resync
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "data", "timestamp", "seq", "epoch", "replay"})
public record Envelope(
    String type,
    @JsonInclude(JsonInclude.Include.ALWAYS) Object data,
    Instant timestamp,
    Long seq,
    String epoch,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean replay)
    implements Message {
  /**
   * Validates the components.
   *
   * @param type the wire type
   * @param data the payload: one of the typed payload records of {@code
   *     io.realtime.message.payload}, a {@link Map} for other types, or {@code null}
   * @param timestamp when the message was produced, or {@code null} when the message has none
   * @param seq the per-channel offset, {@code 1} or more, or {@code null} outside a stream
   * @param epoch the id of the stream's history, set exactly when {@code seq} is
   * @param replay whether this is a copy replayed after a resync
   */
  public Envelope {
    MessageTypes.requireValid(type);
    if (seq != null && seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, got " + seq);
    }
    if ((seq == null) != (epoch == null)) {
      throw new IllegalArgumentException(
          "seq and epoch go together, got seq=" + seq + " epoch=" + epoch);
    }
    if (epoch != null && epoch.isBlank()) {
      throw new IllegalArgumentException("epoch must not be blank");
    }
    if (replay && seq == null) {
      throw new IllegalArgumentException("only a stream message (with seq) can be a replay");
    }
    if (data instanceof Map<?, ?> map) {
      data = ImmutableJson.copyOf(map);
    }
  }

  /**
   * Creates an envelope without timestamp or stream position.
   *
   * @param type the wire type
   * @param data the payload, possibly {@code null}
   * @return the envelope
   */
  public static Envelope of(String type, Object data) {
    return new Envelope(type, data, null, null, null, false);
  }

  /**
   * Creates an {@code event} envelope.
   *
   * @param event the security event
   * @return the envelope
   */
  public static Envelope event(SecurityEvent event) {
    return of(MessageTypes.EVENT, Objects.requireNonNull(event, "event"));
  }

  /**
   * Creates a {@code system_status} envelope stamped with {@code timestamp}.
   *
   * @param status the status
   * @param timestamp when it was collected
   * @return the envelope
   */
  public static Envelope systemStatus(SystemStatus status, Instant timestamp) {
    return of(MessageTypes.SYSTEM_STATUS, Objects.requireNonNull(status, "status"))
        .withTimestamp(Objects.requireNonNull(timestamp, "timestamp"));
  }

  /**
   * Creates a {@code service_status} envelope; a {@code null} timestamp is left out, as the
   * original does for degraded-mode notices.
   *
   * @param status the service status
   * @param timestamp when it changed, or {@code null}
   * @return the envelope
   */
  public static Envelope serviceStatus(ServiceStatus status, Instant timestamp) {
    return of(MessageTypes.SERVICE_STATUS, Objects.requireNonNull(status, "status"))
        .withTimestamp(timestamp);
  }

  /**
   * Creates a {@code performance_update} envelope; its timestamp is inside the data.
   *
   * @param update the metrics
   * @return the envelope
   */
  public static Envelope performanceUpdate(PerformanceUpdate update) {
    return of(MessageTypes.PERFORMANCE_UPDATE, Objects.requireNonNull(update, "update"));
  }

  /**
   * Creates a {@code log} envelope.
   *
   * @param entry the job log entry
   * @return the envelope
   */
  public static Envelope log(LogEntry entry) {
    return of(MessageTypes.LOG, Objects.requireNonNull(entry, "entry"));
  }

  /**
   * Creates the {@code job_end} envelope that closes a job's log stream.
   *
   * @param end how the job ended
   * @return the envelope
   */
  public static Envelope jobEnd(JobEnd end) {
    return of(MessageTypes.JOB_END, Objects.requireNonNull(end, "end"));
  }

  /**
   * Creates the {@code system.shutdown} envelope sent before a graceful shutdown.
   *
   * @param notice the notice
   * @return the envelope
   */
  public static Envelope shutdown(ShutdownNotice notice) {
    return of(MessageTypes.SYSTEM_SHUTDOWN, Objects.requireNonNull(notice, "notice"));
  }

  /**
   * Creates a {@code circuit_breaker_update} envelope.
   *
   * @param update the breakers' states
   * @return the envelope
   */
  public static Envelope circuitBreakerUpdate(CircuitBreakerUpdate update) {
    return of(MessageTypes.CIRCUIT_BREAKER_UPDATE, Objects.requireNonNull(update, "update"));
  }

  /**
   * Validates a payload published by a producer, as the original does, and returns its envelope. A
   * payload without {@code type} is an event's data and is wrapped as {@code
   * {"type":"event","data":payload}}. An {@code event} must carry valid event data (see {@link
   * SecurityEvent#fromMap(Map)}). Stream positions ({@code seq}, {@code epoch}, {@code replay}) are
   * assigned by the stream and may not be published.
   *
   * @param payload the published JSON object, as a map
   * @return the validated envelope
   * @throws InvalidPayloadException naming the offending field and value; nothing is created
   */
  public static Envelope fromPayload(Map<String, ?> payload) {
    return PublishedPayloads.toEnvelope(payload);
  }

  /**
   * Returns a copy stamped with {@code timestamp}.
   *
   * @param timestamp the new timestamp, or {@code null} to remove it
   * @return the copy
   */
  public Envelope withTimestamp(Instant timestamp) {
    return new Envelope(type, data, timestamp, seq, epoch, replay);
  }

  /**
   * Returns a copy at position {@code seq} of the stream history {@code epoch}.
   *
   * @param seq the offset, {@code 1} or more
   * @param epoch the history id
   * @return the copy
   */
  public Envelope withPosition(long seq, String epoch) {
    return new Envelope(type, data, timestamp, seq, Objects.requireNonNull(epoch, "epoch"), false);
  }

  /**
   * Returns the copy sent again by a resync, marked {@code "replay": true}.
   *
   * @return the copy
   * @throws IllegalStateException if this message has no stream position
   */
  public Envelope asReplay() {
    if (seq == null) {
      throw new IllegalStateException("a " + type + " message without seq cannot be replayed");
    }
    return new Envelope(type, data, timestamp, seq, epoch, true);
  }

  /**
   * Returns the data as {@code payloadType}.
   *
   * @param payloadType the expected class
   * @param <T> the payload type
   * @return the data
   * @throws ClassCastException naming both types when the data is of another type
   */
  public <T> T dataAs(Class<T> payloadType) {
    if (!payloadType.isInstance(data)) {
      throw new ClassCastException(
          "data of a "
              + type
              + " message is "
              + (data == null ? "null" : data.getClass().getName())
              + ", not "
              + payloadType.getName());
    }
    return payloadType.cast(data);
  }
}
