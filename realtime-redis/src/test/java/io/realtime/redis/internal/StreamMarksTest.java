package io.realtime.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamMarksTest {

  private final StreamMarks marks = new StreamMarks(2);

  @Test
  void whetherAStreamIsPersistentIsNotedUntilItIsForgottenWithItsMark() {
    marks.observed("c", "e1", 3, "d3");
    assertThat(marks.persistent("c")).as("nothing known of its retention").isFalse();
    marks.expires("c", false);
    assertThat(marks.persistent("c")).as("appended without retention: persistent").isTrue();

    marks.expires("c", true);
    assertThat(marks.persistent("c")).as("appended with a retention").isFalse();

    marks.expires("c", false);
    marks.forget("c");
    assertThat(marks.persistent("c")).isFalse();
    assertThat(marks.get("c")).isNull();
  }

  @Test
  void aStreamOnlyHeardLiveIsNotKnownToBePersistent() {
    marks.heardLive("c", "e1", 1, "d1");

    assertThat(marks.persistent("c")).isFalse();
  }

  @Test
  void whatIsPersistentIsBoundedLikeTheMarksAndForgettingItCountsAsExpiring() {
    marks.expires("a", false);
    marks.expires("b", false);
    marks.expires("c", false);

    assertThat(marks.persistent("a")).as("the least recently noted is forgotten").isFalse();
    assertThat(marks.persistent("b")).isTrue();
    assertThat(marks.persistent("c")).isTrue();
  }

  @Test
  void aLiveOffsetNotAboveThePreviousOneOfTheSameEpochMeansTheCounterWentBack() {
    assertThat(marks.heardLive("c", "e1", 1, "d1")).isFalse();
    assertThat(marks.heardLive("c", "e1", 2, "d2")).isFalse();
    assertThat(marks.heardLive("c", "e1", 2, "x2")).isTrue();
  }

  @Test
  void anEpochSeenGoingBackStaysSoUntilAnotherEpochIsSeen() {
    marks.heardLive("c", "e1", 10, "d10");
    assertThat(marks.heardLive("c", "e1", 6, "x6")).isTrue();

    // the reissued offsets that follow must not move the mark onto the rolled-back data
    assertThat(marks.heardLive("c", "e1", 11, "x11")).isFalse();
    marks.observed("c", "e1", 12, "x12");
    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e1", 10, "d10", 10, true));

    marks.observed("c", "e2", 0, "");
    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e2", 0, "", 0, false, "e1", "10"));
  }

  @Test
  void anEpochLeftBehindThatIsHeardAgainIsOlderDataAndLeavesTheMarkAlone() {
    marks.heardLive("c", "e1", 10, "d10");
    marks.observed("c", "e2", 3, "d3");

    assertThat(marks.heardLive("c", "e1", 9, "x9")).as("a late message of e1 is lag").isFalse();
    assertThat(marks.heardLive("c", "e1", 11, "x11")).as("e1 goes on: older data").isTrue();
    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e2", 3, "d3", 0, false, "e1", "10"));
    assertThat(marks.get("c").hasLeft("e1")).isTrue();
    assertThat(marks.get("c").hasLeft("e2")).isFalse();
  }

  @Test
  void aLateAnswerInAnEpochLeftDoesNotMoveTheMarkBack() {
    marks.observed("c", "e1", 10, "d10");
    marks.observed("c", "e2", 3, "d3");

    marks.observed("c", "e1", 10, "d10");

    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e2", 3, "d3", 0, false, "e1", "10"));
  }

  @Test
  void onlyTheLatestEpochsLeftAreRemembered() {
    for (int i = 1; i <= StreamMarks.EPOCHS_LEFT + 2; i++) {
      marks.observed("c", "e" + i, 1, "");
    }

    StreamMarks.Mark mark = marks.get("c");
    assertThat(mark.left()).isEqualTo("e5,e4,e3,e2");
    assertThat(mark.hasLeft("e1")).isFalse();
  }

  @Test
  void anotherEpochStartsAfresh() {
    marks.heardLive("c", "e1", 10, "d10");

    assertThat(marks.heardLive("c", "e2", 1, "d1")).isFalse();
    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e2", 1, "d1", 1, false, "e1", "10"));
  }

  @Test
  void appendsAndReadsRaiseTheHighWaterMarkButNotTheLiveOffset() {
    marks.heardLive("c", "e1", 3, "d3");
    marks.observed("c", "e1", 7, "d7");
    marks.observed("c", "e1", 5, "d5");

    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e1", 7, "d7", 3, false));
    // an append's own live message arrives after its result: not a step back
    assertThat(marks.heardLive("c", "e1", 4, "d4")).isFalse();
    assertThat(marks.get("c")).isEqualTo(new StreamMarks.Mark("e1", 7, "d7", 4, false));
  }

  @Test
  void aMissingDigestIsLearntAtTheSameOffset() {
    marks.observed("c", "e1", 7, "");
    marks.heardLive("c", "e1", 7, "d7");

    assertThat(marks.get("c").digest()).isEqualTo("d7");
  }

  @Test
  void theChannelsUsedLeastRecentlyAreForgotten() {
    marks.observed("a", "e", 1, "");
    marks.observed("b", "e", 1, "");
    marks.get("a");
    marks.observed("c", "e", 1, "");

    assertThat(marks.get("b")).isNull();
    assertThat(marks.get("a")).isNotNull();
    assertThat(marks.get("c")).isNotNull();
  }
}
