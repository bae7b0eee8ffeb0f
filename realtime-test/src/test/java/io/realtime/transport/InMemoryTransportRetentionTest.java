package io.realtime.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.test.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention and bounded state of the in-memory transport, on a manual clock (issue 15.3, 15.4). */
class InMemoryTransportRetentionTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport transport =
      InMemoryTransport.builder().historySize(10).timeSource(time).build();

  @AfterEach
  void tearDown() {
    transport.close();
  }

  private StreamPosition append(String channel, String payload, Duration retention) {
    return transport.append(channel, payload, null, retention).toCompletableFuture().join();
  }

  @Test
  void aStreamLivesItsRetentionAfterItsLastAppendThenIsDeletedWithItsEpoch() {
    String epoch = append("job:a:logs", "one", HOUR).epoch();
    time.advance(Duration.ofMinutes(59));
    assertThat(append("job:a:logs", "two", HOUR).epoch()).isEqualTo(epoch);
    time.advance(Duration.ofMinutes(59));
    assertThat(transport.since("job:a:logs", 0).messages()).hasSize(2);

    time.advance(Duration.ofMinutes(2));

    assertThat(transport.since("job:a:logs", 0)).isEqualTo(StreamHistory.empty("job:a:logs"));
    assertThat(transport.channelCount()).isZero();
    StreamPosition again = append("job:a:logs", "three", HOUR);
    assertThat(again.seq()).isEqualTo(1);
    assertThat(again.epoch()).isNotEqualTo(epoch);
  }

  @Test
  void theLastAppendsRetentionCounts() {
    append("job:b:logs", "line", Duration.ofHours(24));
    append("job:b:logs", "end", HOUR);

    time.advance(HOUR.plusSeconds(1));

    assertThat(transport.since("job:b:logs", 0).exists()).isFalse();
  }

  @Test
  void anAppendWithoutRetentionKeepsTheStream() {
    append("events", "e1", HOUR);
    append("events", "e2", null);

    time.advance(Duration.ofDays(30));

    assertThat(transport.since("events", 0).messages()).hasSize(2);
    assertThat(transport.channelCount()).isEqualTo(1);
  }

  @Test
  void anExpiredStreamWithSubscribersKeepsOnlyItsSubscribers() {
    List<TransportMessage> got = new CopyOnWriteArrayList<>();
    TransportSubscription subscription = transport.subscribe("job:c:logs", got::add);
    String epoch = append("job:c:logs", "one", HOUR).epoch();

    time.advance(HOUR.plusSeconds(1));

    assertThat(transport.since("job:c:logs", 0).exists()).isFalse();
    assertThat(transport.channelCount()).isEqualTo(1);
    assertThat(subscription.isActive()).isTrue();
    assertThat(append("job:c:logs", "two", HOUR).epoch()).isNotEqualTo(epoch);
    subscription.close();
    time.advance(HOUR.plusSeconds(1));
    assertThat(transport.since("job:c:logs", 0).exists()).isFalse();
    assertThat(transport.channelCount()).isZero();
  }

  @Test
  void readsAndPublishesWithoutSubscribersCreateNothing() {
    for (int i = 0; i < 10_000; i++) {
      assertThat(transport.since("job:never-" + i + ":logs", 0).exists()).isFalse();
      transport.publish("plain-" + i, "nobody listens");
    }

    assertThat(transport.channelCount()).isZero();
  }

  @Test
  void aPlainChannelWhoseSubscribersLeftLeavesNoEntry() {
    TransportSubscription first = transport.subscribe("plain", message -> {});
    TransportSubscription second = transport.subscribe("plain", message -> {});
    assertThat(transport.channelCount()).isEqualTo(1);

    first.close();
    assertThat(transport.channelCount()).isEqualTo(1);
    second.close();
    second.close();

    assertThat(transport.channelCount()).isZero();
  }

  @Test
  void expiredStreamsAreSweptWithoutBeingReadAgain() {
    for (int i = 0; i < 1_000; i++) {
      append("job:" + i + ":logs", "line", Duration.ofSeconds(1));
    }
    assertThat(transport.channelCount()).isEqualTo(1_000);

    time.advance(Duration.ofSeconds(2));
    // Every call sweeps a bounded number of expired streams: work on other channels frees them.
    for (int i = 0; i < 1_000; i++) {
      transport.publish("other", "x");
    }

    assertThat(transport.channelCount()).isZero();
  }

  @Test
  void theDeduplicationWindowGoesWithTheStream() {
    StreamPosition first =
        transport.append("job:d:logs", "x", "id-1", HOUR).toCompletableFuture().join();
    assertThat(transport.append("job:d:logs", "x", "id-1", HOUR).toCompletableFuture().join())
        .isEqualTo(first);

    time.advance(HOUR.plusSeconds(1));

    StreamPosition after =
        transport.append("job:d:logs", "x", "id-1", HOUR).toCompletableFuture().join();
    assertThat(after.epoch()).isNotEqualTo(first.epoch());
  }

  @Test
  void theBuilderValidates() {
    assertThatThrownBy(() -> InMemoryTransport.builder().historySize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("historySize")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> InMemoryTransport.builder().timeSource(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timeSource");
  }

  @Test
  void aFinishedJobIsSweptAfterItsEndRetentionNotItsLineRetention() {
    for (int i = 0; i < 100; i++) {
      append("job:" + i + ":logs", "line", Duration.ofHours(24));
      append("job:" + i + ":logs", "job_end", HOUR);
    }

    time.advance(HOUR.plusSeconds(1));
    // Never read again, the finished jobs go all the same: work on other channels frees them.
    for (int i = 0; i < 100; i++) {
      transport.publish("other", "x");
    }

    assertThat(transport.channelCount()).as("finished jobs still held").isZero();
  }

  @Test
  void aStreamWhoseRetentionGrewAgainIsKeptUntilItsLastDeadline() {
    append("job:e:logs", "line", Duration.ofHours(24));
    append("job:e:logs", "job_end", HOUR);
    append("job:e:logs", "late line", Duration.ofHours(24));

    time.advance(HOUR.plusSeconds(1));
    for (int i = 0; i < 10; i++) {
      transport.publish("other", "x");
    }
    assertThat(transport.since("job:e:logs", 0).messages()).hasSize(3);

    time.advance(Duration.ofHours(24));
    for (int i = 0; i < 10; i++) {
      transport.publish("other", "x");
    }
    assertThat(transport.channelCount()).isZero();
  }
}
