package io.realtime.message;

import io.realtime.internal.util.ImmutableJson;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown when text cannot be decoded into a message. It carries the {@link ErrorCode} and details
 * of the {@code error} reply a client should get, see {@link #toErrorReply()}.
 */
public class MessageFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient Map<String, Object> details;

  /**
   * Creates the exception.
   *
   * @param code the error code for the client
   * @param message the explanation for the client; never contains a secret
   * @param details structured details, or {@code null}
   * @param cause the underlying parse error, or {@code null}
   */
  public MessageFormatException(
      ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.details = details == null ? null : ImmutableJson.copyOf(details);
  }

  /**
   * Returns the error code.
   *
   * @return the code
   */
  public ErrorCode code() {
    return code;
  }

  /**
   * Returns the details, or {@code null}.
   *
   * @return the details
   */
  public Map<String, Object> details() {
    return details;
  }

  /**
   * Returns the {@code error} reply describing this failure.
   *
   * @return the reply
   */
  public ErrorReply toErrorReply() {
    return new ErrorReply(code, getMessage(), details);
  }
}
