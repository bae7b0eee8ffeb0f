package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.MessageCodec;
import io.realtime.message.MessageTypes;
import io.realtime.message.Ping;
import org.junit.jupiter.api.Test;

class ConnectionValueTypesTest {

  @Test
  void closeReasonValidatesCodeAndReasonLength() {
    assertThat(CloseReason.SLOW_CONSUMER).isEqualTo(new CloseReason(1013, "slow consumer"));
    assertThat(CloseReason.SERVER_SHUTDOWN)
        .isEqualTo(new CloseReason(1001, "Server shutting down"));
    assertThatThrownBy(() -> new CloseReason(999, "x")).hasMessageContaining("got 999");
    assertThatThrownBy(() -> new CloseReason(1000, "é".repeat(62))).hasMessageContaining("got 124");
    assertThat(new CloseReason(1000, null).reason()).isEmpty();
  }

  @Test
  void outboundLimitsDefaultToAThousandMessagesOrOneMebibyte() {
    assertThat(OutboundLimits.DEFAULT).isEqualTo(new OutboundLimits(1000, 1_048_576));
    assertThatThrownBy(() -> new OutboundLimits(0, 1))
        .hasMessageContaining("maxMessages must be >= 1, got 0");
    assertThatThrownBy(() -> new OutboundLimits(1, 0))
        .hasMessageContaining("maxBytes must be >= 1, got 0");
  }

  @Test
  void encodedMessageMeasuresUtf8Bytes() {
    assertThat(EncodedMessage.ofText("event", "aé€😀", null, null).utf8Length())
        .isEqualTo(1 + 2 + 3 + 4);
    EncodedMessage ping = EncodedMessage.encode(new Ping(3), MessageCodec.json());
    assertThat(ping.type()).isEqualTo("ping");
    assertThat(ping.text()).isEqualTo("{\"type\":\"ping\",\"lastSeq\":3}");
    assertThat(ping.seq()).isNull();
  }

  @Test
  void defaultDeliveryPolicyKeepsLatestStatusAndLosesNoEvent() {
    DeliveryPolicy policy = DeliveryPolicy.defaults();

    assertThat(policy.classOf(MessageTypes.SYSTEM_STATUS)).isEqualTo(DeliveryClass.LATEST_VALUE);
    assertThat(policy.classOf(MessageTypes.PERFORMANCE_UPDATE))
        .isEqualTo(DeliveryClass.LATEST_VALUE);
    assertThat(policy.classOf(MessageTypes.EVENT)).isEqualTo(DeliveryClass.ORDERED_LOSSLESS);
    assertThat(policy.classOf(MessageTypes.LOG)).isEqualTo(DeliveryClass.ORDERED_LOSSLESS);
    assertThat(policy.classOf("alert_created")).isEqualTo(DeliveryClass.ORDERED_LOSSLESS);
    assertThat(policy.ignoresSubscriptions(MessageTypes.SYSTEM_SHUTDOWN)).isTrue();
    assertThat(policy.ignoresSubscriptions(MessageTypes.EVENT)).isFalse();
  }

  @Test
  void deliveryPolicyCanBeTunedPerType() {
    DeliveryPolicy policy =
        DeliveryPolicy.builder()
            .deliveryClass("gpu_stats", DeliveryClass.LATEST_VALUE)
            .ignoresSubscriptions(MessageTypes.SERVICE_STATUS, false)
            .build();

    assertThat(policy.classOf("gpu_stats")).isEqualTo(DeliveryClass.LATEST_VALUE);
    assertThat(policy.ignoresSubscriptions(MessageTypes.SERVICE_STATUS)).isFalse();
  }

  @Test
  void registryBuilderRejectsNonPositiveFlushTimeout() {
    assertThatThrownBy(() -> ConnectionRegistry.builder().flushTimeout(java.time.Duration.ZERO))
        .hasMessageContaining("flushTimeout must be positive, got PT0S");
  }
}
