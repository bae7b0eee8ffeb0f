package io.realtime.internal.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RecoveryPolicyTest {

  private static final RandomGenerator LOWEST = () -> 0L;
  private static final RandomGenerator HIGHEST = () -> -1L;

  @Test
  void eventBackoffDoublesFromOneSecondCappedAtThirtyWithTenToThirtyPercentJitter() {
    RecoveryPolicy low =
        new RecoveryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), LOWEST);
    RecoveryPolicy high =
        new RecoveryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), HIGHEST);

    assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(1100));
    assertThat(low.delay(4)).isEqualTo(Duration.ofMillis(8800));
    assertThat(high.delay(1)).isBetween(Duration.ofMillis(1299), Duration.ofMillis(1300));
    assertThat(low.delay(6)).isEqualTo(Duration.ofSeconds(33));
    assertThat(low.delay(60)).isEqualTo(Duration.ofSeconds(33));
  }

  @Test
  void systemBackoffIsCappedAtSixtySeconds() {
    RecoveryPolicy policy =
        new RecoveryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60), LOWEST);

    assertThat(policy.delay(6)).isEqualTo(Duration.ofMillis(35_200));
    assertThat(policy.delay(7)).isEqualTo(Duration.ofSeconds(66));
    assertThat(policy.delay(100)).isEqualTo(Duration.ofSeconds(66));
  }

  @Test
  void invalidPoliciesNameTheValue() {
    assertThatThrownBy(
            () -> new RecoveryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2), LOWEST))
        .hasMessageContaining("got 0");
    assertThatThrownBy(
            () -> new RecoveryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), LOWEST))
        .hasMessageContaining("cap PT1S must be >= base PT2S");
  }
}
