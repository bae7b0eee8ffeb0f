package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonValue;

/** The codes of the {@code error} reply, as the original protocol names them. */
public enum ErrorCode {
  /** The text is not JSON. */
  INVALID_JSON("invalid_json"),
  /** The JSON is not a valid client message (for example no {@code type}). */
  INVALID_MESSAGE_FORMAT("invalid_message_format"),
  /** The {@code type} is not one the server handles. */
  UNKNOWN_MESSAGE_TYPE("unknown_message_type"),
  /** The message is well formed but its content is invalid. */
  VALIDATION_ERROR("validation_error"),
  /**
   * The request is valid but over a per-connection limit; {@code details.retry_after_ms} says when
   * it may be asked again. Not in the original protocol, which had no limits.
   */
  RATE_LIMITED("rate_limited");

  private final String wireName;

  ErrorCode(String wireName) {
    this.wireName = wireName;
  }

  /**
   * Returns the code as written on the wire.
   *
   * @return for example {@code "invalid_json"}
   */
  @JsonValue
  public String wireName() {
    return wireName;
  }
}
