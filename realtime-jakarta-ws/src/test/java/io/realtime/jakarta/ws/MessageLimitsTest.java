package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageLimitsTest {

  @Test
  void theDefaultIs64KiBOfProtocolPlusAnEighthOfSlack() {
    MessageLimits limits = MessageLimits.DEFAULT;

    assertThat(limits.textChars()).isEqualTo(73_728);
    assertThat(limits.textBytes()).isEqualTo(221_184);
    assertThat(limits.binaryBytes()).isEqualTo(1_024);
    assertThat(limits).isEqualTo(MessageLimits.forMaxMessageChars(65_536));
    assertThat(limits)
        .hasToString("MessageLimits[textChars=73728, textBytes=221184, binaryBytes=1024]");
  }

  @Test
  void theLimitsFollowTheProtocolsLimit() {
    assertThat(MessageLimits.forMaxMessageChars(1_024).textChars()).isEqualTo(1_152);
    assertThat(MessageLimits.forMaxMessageChars(1_048_576).textBytes()).isEqualTo(3_538_944);
    assertThat(RealtimeWebSocketLimits.of(8_192))
        .isEqualTo(MessageLimits.forMaxMessageChars(8_192));
  }

  @Test
  void valuesOutOfRangeAreNamedInTheError() {
    assertThatThrownBy(() -> MessageLimits.forMaxMessageChars(1_023))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxMessageChars must be from 1024 to 1048576, got 1023");
    assertThatThrownBy(() -> MessageLimits.of(5_000_000, 1_024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("textChars must be from 1024 to 4194304, got 5000000");
    assertThatThrownBy(() -> MessageLimits.of(2_048, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("binaryBytes must be from 125 to 16777216, got 0");
    assertThat(MessageLimits.of(2_048, 125).binaryBytes()).isEqualTo(125);
  }

  @Test
  void aSessionThatCountsCharactersGetsTheLimitInCharacters() {
    Map<String, Object> set = new HashMap<>();
    Session session =
        (Session)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                  if (method.getName().startsWith("setMax")) {
                    set.put(method.getName(), args[0]);
                  }
                  return null;
                });

    MessageLimits.of(10_000, 500).applyTo(session);

    assertThat(set)
        .containsEntry("setMaxTextMessageBufferSize", 10_000)
        .containsEntry("setMaxBinaryMessageBufferSize", 500);
  }

  /** The endpoints' limits for a protocol limit, as a host reads them. */
  private static final class RealtimeWebSocketLimits {
    static MessageLimits of(int maxMessageChars) {
      try (RealtimeWebSocket websocket =
          RealtimeWebSocket.builder(io.realtime.connection.ConnectionRegistry.builder().build())
              .jobLogs(io.realtime.transport.InMemoryTransport.create())
              .maxMessageChars(maxMessageChars)
              .build()) {
        return websocket.messageLimits();
      }
    }
  }
}
