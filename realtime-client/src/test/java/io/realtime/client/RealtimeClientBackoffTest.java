package io.realtime.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The Java client's reconnect delays: the same figures as the JavaScript client's tests. */
class RealtimeClientBackoffTest {

  private static final Duration BASE = Duration.ofSeconds(1);
  private static final Duration CAP = Duration.ofSeconds(30);

  private static long[] holdOffs(double random, Duration base, Duration cap) {
    return IntStream.rangeClosed(1, 6)
        .mapToLong(n -> RealtimeClient.holdOffDelay(n, base, cap, random).toMillis())
        .toArray();
  }

  @Test
  void afterTheNthRefusalInARowTheDelayIsBetweenAGrowingMinimumAndTheCap() {
    assertThat(holdOffs(0, BASE, CAP)).containsExactly(1000, 2000, 4000, 8000, 15000, 15000);
    assertThat(holdOffs(0.999, BASE, CAP)).containsExactly(1999, 3998, 7996, 15992, 29985, 29985);
  }

  @Test
  void withTheBaseEqualToTheCapARefusalWaitsExactlyTheBase() {
    Duration half = Duration.ofMillis(500);
    assertThat(holdOffs(0.7, half, half)).containsOnly(500);
  }

  @Test
  void otherReconnectsKeepFullJitterUnderADoublingCeiling() {
    long[] delays =
        IntStream.rangeClosed(1, 5)
            .mapToLong(
                n -> RealtimeClient.backoffDelay(n, BASE, Duration.ofSeconds(5), 0.999).toMillis())
            .toArray();
    assertThat(delays).containsExactly(999, 1998, 3996, 4995, 4995);
    assertThat(RealtimeClient.backoffDelay(1, BASE, CAP, 0).toMillis()).isZero();
  }

  @Test
  void aLongStreakNeitherOverflowsNorPassesTheCap() {
    assertThat(RealtimeClient.holdOffDelay(Integer.MAX_VALUE, BASE, CAP, 0.999).toMillis())
        .isEqualTo(29985);
    assertThat(RealtimeClient.backoffDelay(Integer.MAX_VALUE, BASE, CAP, 0.999).toMillis())
        .isEqualTo(29970);
  }
}
