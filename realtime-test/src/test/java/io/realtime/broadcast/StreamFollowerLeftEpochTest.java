package io.realtime.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.internal.stream.StreamFollower;
import io.realtime.test.ForwardingTransport;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.TransportMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The follower after an epoch change: messages of the epoch it left, still queued in the
 * subscription, arrive late and must neither be delivered nor make it follow that epoch again.
 */
class StreamFollowerLeftEpochTest {

  private final InMemoryTransport base = InMemoryTransport.create();
  private final List<String> delivered = new ArrayList<>();
  private final List<String> holes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    base.close();
  }

  /** A transport whose history is epoch E2 holding offsets 1..3, whatever was appended. */
  private ForwardingTransport historyOfNewEpoch() {
    List<TransportMessage> e2 = new ArrayList<>();
    for (long seq = 1; seq <= 3; seq++) {
      e2.add(new TransportMessage("ch", "E2-" + seq, seq, "E2"));
    }
    return new ForwardingTransport(base) {
      @Override
      public StreamHistory since(String channel, long offset) {
        return new StreamHistory(
            "ch", "E2", 1, 3, e2.stream().filter(m -> m.seq() > offset).toList());
      }
    };
  }

  private StreamFollower follower() {
    return new StreamFollower(
        historyOfNewEpoch(), "ch", m -> delivered.add(m.payload()), () -> {}, holes::add);
  }

  @Test
  void aLateMessageOfALeftEpochIsDroppedNotFollowed() {
    StreamFollower follower = follower();

    follower.onMessage(new TransportMessage("ch", "E1-5", 5L, "E1")); // live, old epoch
    follower.catchUp(false); // a catch-up (retry after a hole) meets the new history: E2
    follower.onMessage(new TransportMessage("ch", "E1-6", 6L, "E1")); // still queued, old epoch
    follower.onMessage(new TransportMessage("ch", "E2-4", 4L, "E2")); // live again

    assertThat(delivered).containsExactly("E1-5", "E2-1", "E2-2", "E2-3", "E2-4");
    assertThat(follower.epoch()).isEqualTo("E2");
  }

  @Test
  void aGapFillThatMeetsANewEpochFollowsItFromItsStartAndDropsTheOldMessage() {
    StreamFollower follower = follower();

    follower.onMessage(new TransportMessage("ch", "E1-5", 5L, "E1"));
    follower.onMessage(new TransportMessage("ch", "E1-7", 7L, "E1")); // gap; history is E2 now
    follower.onMessage(new TransportMessage("ch", "E2-4", 4L, "E2"));

    assertThat(delivered).containsExactly("E1-5", "E2-1", "E2-2", "E2-3", "E2-4");
    assertThat(holes).isEmpty();
  }
}
