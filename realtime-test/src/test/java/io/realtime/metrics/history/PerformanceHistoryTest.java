package io.realtime.metrics.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.payload.PerformanceUpdate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The original's history (§1.12): 720 snapshots, 5m / 15m / 60m views of at most 60 points. */
class PerformanceHistoryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static PerformanceUpdate at(int tick) {
    return new PerformanceUpdate(
        T0.plusSeconds(5L * tick), null, null, null, null, null, null, null, null);
  }

  private static List<Integer> ticks(List<PerformanceUpdate> view) {
    return view.stream()
        .map(u -> (int) ((u.timestamp().getEpochSecond() - T0.getEpochSecond()) / 5))
        .toList();
  }

  private static PerformanceHistory filled(int count) {
    PerformanceHistory history = new PerformanceHistory(PerformanceHistory.DEFAULT_CAPACITY);
    for (int tick = 0; tick < count; tick++) {
      history.add(at(tick));
    }
    return history;
  }

  @Test
  void keepsTheLatest720() {
    PerformanceHistory history = filled(800);

    assertThat(history.size()).isEqualTo(720);
    assertThat(ticks(history.view(HistoryRange.FIVE_MINUTES))).last().isEqualTo(799);
  }

  @Test
  void fiveMinutesIsEverySnapshotOfTheLastFiveMinutesCappedAtSixty() {
    List<Integer> view = ticks(filled(800).view(HistoryRange.FIVE_MINUTES));

    assertThat(view).hasSize(60);
    assertThat(view.get(0)).isEqualTo(740);
    assertThat(view).isSorted();
  }

  @Test
  void fifteenMinutesIsEveryThird() {
    List<Integer> view = ticks(filled(800).view(HistoryRange.FIFTEEN_MINUTES));

    assertThat(view).hasSize(60);
    for (int i = 1; i < view.size(); i++) {
      assertThat(view.get(i) - view.get(i - 1)).isEqualTo(3);
    }
    assertThat(view.get(0)).isGreaterThanOrEqualTo(800 - 181);
  }

  @Test
  void sixtyMinutesIsEveryTwelfth() {
    List<Integer> view = ticks(filled(800).view(HistoryRange.SIXTY_MINUTES));

    assertThat(view).hasSize(60);
    for (int i = 1; i < view.size(); i++) {
      assertThat(view.get(i) - view.get(i - 1)).isEqualTo(12);
    }
  }

  @Test
  void aShortHistoryGivesWhatItHas() {
    assertThat(ticks(filled(10).view(HistoryRange.SIXTY_MINUTES))).containsExactly(0);
    assertThat(ticks(filled(10).view(HistoryRange.FIVE_MINUTES))).hasSize(10);
    assertThat(filled(0).view(HistoryRange.FIVE_MINUTES)).isEmpty();
  }

  @Test
  void rangesParseAndValidate() {
    assertThat(HistoryRange.parse("15m")).isEqualTo(HistoryRange.FIFTEEN_MINUTES);
    assertThatThrownBy(() -> HistoryRange.parse("2h")).hasMessageContaining("got '2h'");
    assertThatThrownBy(() -> new PerformanceHistory(0)).hasMessageContaining("got 0");
  }
}
