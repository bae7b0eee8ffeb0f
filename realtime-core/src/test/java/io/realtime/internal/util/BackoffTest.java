package io.realtime.internal.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeilingDoublesFromTheBaseUpToTheCap() {
    Duration base = Duration.ofSeconds(1);
    Duration cap = Duration.ofSeconds(30);
    assertThat(Backoff.ceiling(base, cap, 0)).isEqualTo(base);
    assertThat(Backoff.ceiling(base, cap, 3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(Backoff.ceiling(base, cap, 5)).isEqualTo(cap);
    assertThat(Backoff.ceiling(base, cap, -4)).isEqualTo(base);
  }

  @Test
  void aLongStreakSaturatesInsteadOfOverflowing() {
    Duration base = Duration.ofHours(1);
    assertThat(Backoff.ceiling(base, Duration.ofDays(1), Integer.MAX_VALUE))
        .isEqualTo(Duration.ofDays(1));
    assertThat(Backoff.ceiling(base, Backoff.UNCAPPED, Integer.MAX_VALUE))
        .isEqualTo(Backoff.UNCAPPED);
    assertThat(Backoff.ceiling(base, Duration.ofDays(400_000_000), 70)).isEqualTo(Backoff.UNCAPPED);
  }
}
