package io.realtime.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a trimmed history tells a reader about what it lost. */
class StreamHistoryTest {

  @Test
  void aReaderLostSomethingOnlyIfTheOffsetAfterItsLastIsGone() {
    StreamHistory fromTheStart = new StreamHistory("events", "e1", 1, 3, List.of());
    assertThat(fromTheStart.isTooOld(0))
        .as("last_sequence 0 and oldest 1: the reader needs 1, which is there")
        .isFalse();

    StreamHistory trimmed = new StreamHistory("events", "e1", 6, 10, List.of());
    assertThat(trimmed.isTooOld(5)).as("needs 6: kept").isFalse();
    assertThat(trimmed.isTooOld(4)).as("needs 5: gone").isTrue();
    assertThat(new StreamHistory("events", "e1", 0, 0, List.of()).isTooOld(0)).isFalse();
  }
}
