package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The data of a {@code system.shutdown} message.
 *
 * @param reason why the server closes the connection
 * @param reconnect whether the client should reconnect (to this or another instance)
 */
@JsonPropertyOrder({"reason", "reconnect"})
public record ShutdownNotice(String reason, boolean reconnect) {

  /** The notice of a graceful server shutdown, as the original sends it. */
  public static final ShutdownNotice SERVER_SHUTTING_DOWN =
      new ShutdownNotice("Server shutting down", true);

  /**
   * Validates the components.
   *
   * @param reason why the server closes the connection
   * @param reconnect whether the client should reconnect (to this or another instance)
   */
  public ShutdownNotice {
    Objects.requireNonNull(reason, "reason");
  }
}
