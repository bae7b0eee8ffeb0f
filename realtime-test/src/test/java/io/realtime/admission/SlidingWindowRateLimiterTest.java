package io.realtime.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.test.ManualTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlidingWindowRateLimiterTest {

  private final ManualTime time = new ManualTime();
  private final SlidingWindowRateLimiter limiter = SlidingWindowRateLimiter.withDefaults(time);

  @Test
  void allowsAHundredPerMinutePlusABurstOfTwoPerClient() {
    for (int i = 0; i < 102; i++) {
      assertThat(limiter.tryAcquire("10.0.0.1")).as("attempt %d", i + 1).isTrue();
    }
    assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
    assertThat(limiter.tryAcquire("10.0.0.2")).as("another client").isTrue();
  }

  @Test
  void theWindowSlides() {
    for (int i = 0; i < 102; i++) {
      limiter.tryAcquire("c");
      time.advance(Duration.ofMillis(100));
    }
    assertThat(limiter.tryAcquire("c")).isFalse();

    time.advance(Duration.ofMillis(49_800));
    assertThat(limiter.tryAcquire("c")).as("the first attempt left the window").isTrue();
    assertThat(limiter.tryAcquire("c")).isFalse();
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new SlidingWindowRateLimiter(0, 2, Duration.ofMinutes(1), time))
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> new SlidingWindowRateLimiter(1, -1, Duration.ofMinutes(1), time))
        .hasMessageContaining("got -1");
    assertThat(ConnectionRateLimiter.unlimited().tryAcquire("anyone")).isTrue();
  }
}
