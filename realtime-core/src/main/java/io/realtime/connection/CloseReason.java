package io.realtime.connection;

import java.nio.charset.StandardCharsets;

/**
 * A WebSocket close code with its reason phrase.
 *
 * @param code the close code, from 1000 to 4999
 * @param reason the reason phrase, at most 123 bytes in UTF-8 (RFC 6455); never a secret
 */
public record CloseReason(int code, String reason) {

  /** 1000: normal closure. */
  public static final int NORMAL_CLOSURE = 1000;

  /** 1001: the server goes away (shutdown). */
  public static final int GOING_AWAY = 1001;

  /** 1008: policy violation (authentication, rate limit, bad job id). */
  public static final int POLICY_VIOLATION = 1008;

  /** 1011: an unexpected condition on the server. */
  public static final int INTERNAL_ERROR = 1011;

  /** 1013: try again later; used for slow consumers. */
  public static final int TRY_AGAIN_LATER = 1013;

  /** The close of a graceful server shutdown: 1001 {@code Server shutting down}. */
  public static final CloseReason SERVER_SHUTDOWN =
      new CloseReason(GOING_AWAY, "Server shutting down");

  /**
   * The close of a connection whose outbound queue passed its bound: 1013 {@code slow consumer}.
   */
  public static final CloseReason SLOW_CONSUMER = new CloseReason(TRY_AGAIN_LATER, "slow consumer");

  /** The close of a connection whose send failed: 1011 {@code Send failed}. */
  public static final CloseReason SEND_FAILED = new CloseReason(INTERNAL_ERROR, "Send failed");

  private static final int MAX_REASON_BYTES = 123;

  /**
   * Validates the components.
   *
   * @param code the close code, from 1000 to 4999
   * @param reason the reason phrase, at most 123 bytes in UTF-8 (RFC 6455); never a secret
   */
  public CloseReason {
    if (code < 1000 || code > 4999) {
      throw new IllegalArgumentException("close code must be from 1000 to 4999, got " + code);
    }
    reason = reason == null ? "" : reason;
    int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_REASON_BYTES) {
      throw new IllegalArgumentException(
          "close reason must be at most " + MAX_REASON_BYTES + " bytes in UTF-8, got " + bytes);
    }
  }
}
