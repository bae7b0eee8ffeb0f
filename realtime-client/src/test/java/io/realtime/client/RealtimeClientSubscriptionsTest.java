package io.realtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.connection.SubscriptionLimits;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscription set a client remembers, before it connects (the frames it sends are checked
 * against a server in realtime-jakarta-ws's RealtimeClientSubscriptionIT). Building a client also
 * shows that this module's own dependencies provide a WebSocket container.
 */
class RealtimeClientSubscriptionsTest {

  private final RealtimeClient client =
      RealtimeClient.builder(URI.create("ws://127.0.0.1:9/ws/events"))
          .subscriptionLimits(new SubscriptionLimits(3, 2, 10))
          .build();

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void patternsAreNormalisedAndRememberedInTheOrderAdded() {
    client.subscribe(List.of("Alert.*", "event")).subscribe(List.of("event", "job.*"));

    assertThat(client.subscriptions()).containsExactly("alert.*", "event", "job.*");
    client.unsubscribe(List.of("EVENT", "nope"));
    assertThat(client.subscriptions()).containsExactly("alert.*", "job.*");
    client.unsubscribeAll();
    assertThat(client.subscriptions()).isEmpty();
  }

  @Test
  void aRequestPastTheLimitsIsRefusedWholeAndNamesTheLimit() {
    client.subscribe(List.of("a", "b"));

    assertThatThrownBy(() -> client.subscribe(List.of("c", "d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3");
    assertThatThrownBy(() -> client.subscribe(List.of("x", "y", "z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2");
    assertThatThrownBy(() -> client.subscribe(List.of("far-too-long.*")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_pattern_length");
    assertThatThrownBy(() -> client.subscribe(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(client.subscriptions()).containsExactly("a", "b");
  }
}
