package io.realtime.message;

/**
 * The wire {@code type} values this library produces or understands. Producers may publish other
 * types (the original system uses {@code alert_created}, {@code detection.new} and more); those are
 * carried as {@link Envelope}s with map data.
 */
public final class MessageTypes {

  /** A security event, on the events stream. */
  public static final String EVENT = "event";

  /** Periodic system status (GPU, queues, cameras, services). */
  public static final String SYSTEM_STATUS = "system_status";

  /** A service health change, or a degraded-mode notice. */
  public static final String SERVICE_STATUS = "service_status";

  /** Periodic detailed performance metrics. */
  public static final String PERFORMANCE_UPDATE = "performance_update";

  /** A job log entry. */
  public static final String LOG = "log";

  /** The end of a job's log stream, after its last line. */
  public static final String JOB_END = "job_end";

  /** A heartbeat (server to client) or a liveness probe (client to server). */
  public static final String PING = "ping";

  /** The reply to a ping. */
  public static final String PONG = "pong";

  /** An error reply; one shape for every error. */
  public static final String ERROR = "error";

  /** The reply to a resync request, after the replayed messages. */
  public static final String RESYNC_ACK = "resync_ack";

  /** The acknowledgement of a subscribe request; carried in the {@code action} field. */
  public static final String SUBSCRIBED = "subscribed";

  /** The acknowledgement of an unsubscribe request; carried in the {@code action} field. */
  public static final String UNSUBSCRIBED = "unsubscribed";

  /** Sent to every client before a graceful shutdown closes it. */
  public static final String SYSTEM_SHUTDOWN = "system.shutdown";

  /** A snapshot of the circuit breakers' states. */
  public static final String CIRCUIT_BREAKER_UPDATE = "circuit_breaker_update";

  /** The longest accepted type name, as in the original protocol. */
  public static final int MAX_TYPE_LENGTH = 50;

  private MessageTypes() {}

  /**
   * Checks that {@code type} is a usable wire type: not blank and at most {@value #MAX_TYPE_LENGTH}
   * characters.
   *
   * @param type the candidate type
   * @return {@code type}
   * @throws IllegalArgumentException naming the bad value
   */
  public static String requireValid(String type) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("message type must not be blank, got " + quote(type));
    }
    if (type.length() > MAX_TYPE_LENGTH) {
      throw new IllegalArgumentException(
          "message type must be at most " + MAX_TYPE_LENGTH + " characters, got " + type.length());
    }
    return type;
  }

  private static String quote(String value) {
    return value == null ? "null" : "'" + value + "'";
  }
}
