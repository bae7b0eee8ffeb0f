package io.realtime.message;

import io.realtime.internal.util.ImmutableJson;
import java.util.Locale;
import java.util.Map;

/**
 * A message from a client, as the original protocol reads it: a JSON object with a {@code type} of
 * 1 to 50 characters and an optional {@code data} object; other fields are allowed and ignored.
 *
 * @param type the type as sent
 * @param data the data object, or {@code null}
 */
public record ClientMessage(String type, Map<String, Object> data) {

  /**
   * Validates the message and copies the data.
   *
   * @param type the type as sent
   * @param data the data object, or {@code null}
   */
  public ClientMessage {
    MessageTypes.requireValid(type);
    data = data == null ? null : ImmutableJson.copyOf(data);
  }

  /**
   * Returns the type in lower case, as the protocol dispatches on it.
   *
   * @return the normalised type
   */
  public String normalizedType() {
    return type.toLowerCase(Locale.ROOT);
  }
}
