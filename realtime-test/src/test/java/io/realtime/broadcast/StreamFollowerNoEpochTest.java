package io.realtime.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.internal.stream.StreamFollower;
import io.realtime.test.ManualTime;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.TransportMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The follower and streams that do not exist (issue 15.3): a stream read as {@link
 * StreamHistory#NO_EPOCH} held nothing, so the first real epoch met after it is no epoch change and
 * no hole: it is followed from offset 1, quietly.
 */
class StreamFollowerNoEpochTest {

  private static final Duration RETENTION = Duration.ofMinutes(1);

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport transport = InMemoryTransport.builder().timeSource(time).build();
  private final List<String> delivered = new ArrayList<>();
  private final List<String> holes = new ArrayList<>();
  private final AtomicInteger newEpochs = new AtomicInteger();
  private final StreamFollower follower =
      new StreamFollower(
          transport, "ch", m -> delivered.add(m.payload()), newEpochs::incrementAndGet, holes::add);

  @AfterEach
  void tearDown() {
    transport.close();
  }

  private TransportMessage append(String payload) {
    StreamPosition position =
        transport.append("ch", payload, null, RETENTION).toCompletableFuture().join();
    return new TransportMessage("ch", payload, position.seq(), position.epoch());
  }

  @Test
  void anEmptyBacklogThenLiveLinesAreDeliveredFromTheFirst() {
    assertThat(follower.catchUp(true)).isTrue();
    assertThat(follower.epoch()).isEqualTo(StreamHistory.NO_EPOCH);

    follower.onMessage(append("one"));
    follower.onMessage(append("two"));

    assertThat(delivered).containsExactly("one", "two");
    assertThat(newEpochs).hasValue(0);
    assertThat(holes).isEmpty();
  }

  @Test
  void aLaterLineFirstFillsTheLinesBeforeItFromTheHistory() {
    follower.catchUp(true);
    append("one");
    append("two");

    follower.onMessage(append("three"));

    assertThat(delivered).containsExactly("one", "two", "three");
    assertThat(newEpochs).hasValue(0);
    assertThat(holes).isEmpty();
  }

  @Test
  void aSecondReadThatMeetsTheStreamDeliversItFromItsStart() {
    follower.catchUp(true);
    append("one");
    append("two");

    assertThat(follower.catchUp(false)).isTrue();

    assertThat(delivered).containsExactly("one", "two");
    assertThat(newEpochs).hasValue(0);
    assertThat(holes).isEmpty();
  }

  @Test
  void aFollowerStartingAtTheEndOfNoStreamGetsItsFirstMessage() {
    follower.catchUp(false);

    follower.onMessage(append("first"));

    assertThat(delivered).containsExactly("first");
    assertThat(newEpochs).hasValue(0);
  }

  @Test
  void aStreamThatExpiresAndComesBackIsFollowedWithoutHoles() {
    follower.catchUp(true);
    follower.onMessage(append("e1"));
    time.advance(RETENTION.plusSeconds(1));

    assertThat(follower.catchUp(false)).as("a read of the expired stream").isTrue();
    follower.onMessage(append("e2"));
    time.advance(RETENTION.plusSeconds(1));
    assertThat(follower.catchUp(false)).isTrue();
    follower.onMessage(append("e3"));

    assertThat(delivered).containsExactly("e1", "e2", "e3");
    assertThat(holes).isEmpty();
    assertThat(newEpochs).as("two real epoch changes").hasValue(2);
  }
}
