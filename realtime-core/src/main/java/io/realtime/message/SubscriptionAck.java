package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The acknowledgement of a subscribe or unsubscribe request, in the original shape {@code
 * {"action":"subscribed","events":[...]}}: it has no {@code type} key on the wire. For a subscribe,
 * {@code events} holds the normalised (lower-cased) patterns; for an unsubscribe, those actually
 * removed.
 *
 * @param action {@link MessageTypes#SUBSCRIBED} or {@link MessageTypes#UNSUBSCRIBED}
 * @param events the patterns concerned
 */
@JsonPropertyOrder({"action", "events"})
public record SubscriptionAck(String action, List<String> events) implements Message {
  /**
   * Validates the components.
   *
   * @param action {@link MessageTypes#SUBSCRIBED} or {@link MessageTypes#UNSUBSCRIBED}
   * @param events the patterns concerned
   */
  public SubscriptionAck {
    if (!MessageTypes.SUBSCRIBED.equals(action) && !MessageTypes.UNSUBSCRIBED.equals(action)) {
      throw new IllegalArgumentException(
          "action must be 'subscribed' or 'unsubscribed', got '" + action + "'");
    }
    events = List.copyOf(Objects.requireNonNull(events, "events"));
  }

  /**
   * Creates the acknowledgement of a subscribe.
   *
   * @param patterns the normalised patterns
   * @return the acknowledgement
   */
  public static SubscriptionAck subscribed(List<String> patterns) {
    return new SubscriptionAck(MessageTypes.SUBSCRIBED, patterns);
  }

  /**
   * Creates the acknowledgement of an unsubscribe.
   *
   * @param removed the patterns removed
   * @return the acknowledgement
   */
  public static SubscriptionAck unsubscribed(List<String> removed) {
    return new SubscriptionAck(MessageTypes.UNSUBSCRIBED, removed);
  }

  /**
   * Returns the action, which stands in for the type: this message has no {@code type} key.
   *
   * @return the action
   */
  @Override
  public String type() {
    return action;
  }
}
