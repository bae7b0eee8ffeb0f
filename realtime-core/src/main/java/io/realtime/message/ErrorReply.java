package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.realtime.internal.util.ImmutableJson;
import java.util.Map;
import java.util.Objects;

/**
 * The one error shape: {@code {"type":"error","error":CODE,"message":TEXT,"details":OBJECT|null}}.
 * {@code details} is always present, {@code null} when there is nothing to add.
 *
 * @param error the error code
 * @param message a human-readable explanation; never contains a secret
 * @param details structured details, or {@code null}
 */
@JsonPropertyOrder({"type", "error", "message", "details"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ErrorReply(ErrorCode error, String message, Map<String, Object> details)
    implements Message {
  /**
   * Validates the components.
   *
   * @param error the error code
   * @param message a human-readable explanation; never contains a secret
   * @param details structured details, or {@code null}
   */
  public ErrorReply {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(message, "message");
    details = details == null ? null : ImmutableJson.copyOf(details);
  }

  /**
   * Creates a reply without details.
   *
   * @param error the code
   * @param message the explanation
   * @return the reply
   */
  public static ErrorReply of(ErrorCode error, String message) {
    return new ErrorReply(error, message, null);
  }

  @Override
  @JsonProperty("type")
  public String type() {
    return MessageTypes.ERROR;
  }
}
