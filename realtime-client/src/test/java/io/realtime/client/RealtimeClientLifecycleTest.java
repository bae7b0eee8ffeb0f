package io.realtime.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** What a closed client does when asked to connect again. */
class RealtimeClientLifecycleTest {

  @Test
  void connectAfterCloseSaysTheClientIsClosed() {
    RealtimeClient client =
        RealtimeClient.builder(URI.create("ws://127.0.0.1:9/ws/events")).build();
    client.close();

    assertThatThrownBy(client::connect)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
