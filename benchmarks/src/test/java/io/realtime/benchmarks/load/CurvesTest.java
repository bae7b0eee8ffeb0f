package io.realtime.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The knee and the soak's trends: the two numbers those scenarios exist to report. */
class CurvesTest {

  private static Curves.Step step(int rate, Double p99, double fraction, int closed) {
    return new Curves.Step(rate, 500, rate * 500L, fraction, p99, closed);
  }

  @Test
  void theKneeIsTheLastStepBeforeTheFirstThatFails() {
    List<Curves.Step> steps =
        List.of(
            step(50, 5.0, 1.0, 0),
            step(100, 12.0, 1.0, 0),
            step(200, 49.9, 0.99, 0),
            step(400, 80.0, 1.0, 0),
            step(800, 10.0, 1.0, 0)); // after the knee: not looked at

    Curves.Knee knee = Curves.knee(steps);

    assertThat(knee.sustained().rate()).isEqualTo(200);
    assertThat(knee.failed().rate()).isEqualTo(400);
    assertThat(knee.stoppedBy()).isEqualTo("p99");
  }

  @Test
  void aClosedClientOrLostDeliveriesEndTheSustainedRangeToo() {
    assertThat(Curves.knee(List.of(step(50, 5.0, 1.0, 0), step(100, 6.0, 1.0, 1))).stoppedBy())
        .isEqualTo("closed");
    Curves.Knee lossy = Curves.knee(List.of(step(50, 5.0, 1.0, 0), step(100, 6.0, 0.9, 0)));
    assertThat(lossy.stoppedBy()).isEqualTo("delivered");
    assertThat(lossy.sustained().rate()).isEqualTo(50);
  }

  @Test
  void aFirstStepThatFailsHasNoSustainedRateAndAllHeldMeansNoKneeYet() {
    Curves.Knee none = Curves.knee(List.of(step(50, null, 0.0, 0)));
    assertThat(none.sustained()).isNull();
    assertThat(none.stoppedBy()).isEqualTo("p99");

    Curves.Knee beyond = Curves.knee(List.of(step(50, 5.0, 1.0, 0), step(100, 50.0, 1.0, 0)));
    assertThat(beyond.sustained().rate()).isEqualTo(100);
    assertThat(beyond.failed()).isNull();
    assertThat(beyond.stoppedBy()).isEqualTo("none");
  }

  @Test
  void ratesRiseGeometricallyAndAlwaysRise() {
    assertThat(Curves.rates(25, 1.5, 5)).containsExactly(25, 38, 56, 84, 127);
    assertThat(Curves.rates(1, 1.1, 4)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void theSlopeIsTheLeastSquaresOne() {
    // Heap in MB sampled every minute, rising in steps of 1 MB every two minutes.
    double[] minutes = {1, 2, 3, 4, 5, 6};
    double[] heap = {100.5, 100.5, 101.5, 101.5, 102.5, 102.5};
    assertThat(Curves.slope(minutes, heap)).isCloseTo(0.4571, within(1e-4));

    assertThat(Curves.slope(new double[] {0, 10}, new double[] {3, -2})).isEqualTo(-0.5);
    assertThat(Curves.slope(new double[] {1, 2, 3}, new double[] {7, 7, 7})).isEqualTo(0.0);
  }

  @Test
  void aSlopeNeedsTwoPointsSpreadInX() {
    assertThat(Curves.slope(new double[] {1}, new double[] {5})).isNull();
    assertThat(Curves.slope(new double[] {2, 2}, new double[] {1, 9})).isNull();
  }
}
