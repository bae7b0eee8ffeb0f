package io.realtime.test.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.test.hostile.Figures.Distribution;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FiguresTest {

  private static Figures figures(double latency, double cadence, double ping, String shortfall) {
    return new Figures(
        Duration.ofSeconds(1),
        new Distribution(10, latency, latency * 2),
        new Distribution(10, cadence, cadence),
        new Distribution(10, ping, ping),
        shortfall);
  }

  @Test
  void percentilesAreNearestRank() {
    Distribution d = Distribution.of(List.of(5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0));

    assertThat(d.count()).isEqualTo(10);
    assertThat(d.median()).isEqualTo(5.0);
    assertThat(d.p90()).isEqualTo(9.0);
    assertThat(Distribution.of(List.of())).isEqualTo(new Distribution(0, 0, 0));
  }

  @Test
  void boundsAreOneAndAHalfTimesTheBaselineWithAFloor() {
    assertThat(Figures.medianBound(1)).isEqualTo(26);
    assertThat(Figures.medianBound(100)).isEqualTo(150);
    assertThat(Figures.p90Bound(2)).isEqualTo(52);
    assertThat(Figures.p90Bound(200)).isEqualTo(300);
  }

  @Test
  void figuresWithinTheBoundsPass() {
    assertThatCode(() -> figures(20, 140, 20, null).assertWithin(figures(1, 100, 1, null)))
        .doesNotThrowAnyException();
  }

  @Test
  void everyFigureOutOfBoundsIsNamed() {
    assertThatThrownBy(() -> figures(30, 160, 1, null).assertWithin(figures(1, 100, 1, null)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("event latency median 30.0 ms > bound 26.0 ms (baseline 1.0 ms)")
        .hasMessageContaining("event latency p90 60.0 ms > bound 52.0 ms")
        .hasMessageContaining("system_status cadence median 160.0 ms > bound 150.0 ms")
        .hasMessageContaining("baseline: [1.00 s")
        .message()
        .doesNotContain("ping round trip");
  }

  @Test
  void aStarvedWindowFailsWhateverItsFigures() {
    assertThatThrownBy(
            () ->
                figures(1, 100, 1, "in 5000 ms it got 0/10 system_status")
                    .assertWithin(figures(1, 100, 1, null)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the victim starved: in 5000 ms it got 0/10 system_status");
    assertThatThrownBy(() -> figures(1, 1, 1, null).assertWithin(figures(1, 1, 1, "short")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
