package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 15: what a stream leaves in Redis. A read of a stream that does not exist creates nothing;
 * a stream appended with a retention expires as a whole after it; one appended without keeps no
 * TTL. Against the machine's Redis, under a key prefix of its own.
 */
class RedisStreamStateIT {

  private final String prefix = "state-" + UUID.randomUUID().toString().substring(0, 8);
  private RedisTransport transport;
  private Jedis jedis;

  @BeforeEach
  void open() {
    transport =
        RedisTransport.create(
            RedisTransportConfig.builder().uri("redis://127.0.0.1:6379").keyPrefix(prefix).build());
    jedis = new Jedis("127.0.0.1", 6379);
  }

  @AfterEach
  void close() {
    for (String key : keys()) {
      jedis.del(key);
    }
    jedis.close();
    transport.close();
  }

  /** Every key under the transport's prefix. */
  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    ScanParams match = new ScanParams().match(prefix + ":*").count(1_000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, match);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }

  private List<String> streamKeys(String channel) {
    String base = prefix + ":{" + channel + "}";
    return List.of(base + ":seq", base + ":history", base + ":epoch");
  }

  private StreamPosition append(String channel, String payload, Duration retention) {
    return transport.append(channel, payload, null, retention).toCompletableFuture().join();
  }

  @Test
  void readingAStreamThatDoesNotExistCreatesNothing() {
    for (int i = 0; i < 50; i++) {
      assertThat(transport.since("job:unknown-" + i + ":logs", 0))
          .isEqualTo(StreamHistory.empty("job:unknown-" + i + ":logs"));
    }

    assertThat(keys()).as("keys under %s after 50 reads of unknown streams", prefix).isEmpty();
  }

  @Test
  void aStreamReadAfterAnAppendIsThere() {
    StreamPosition first = append("known", "one", null);

    StreamHistory history = transport.since("known", 0);

    assertThat(history.exists()).isTrue();
    assertThat(history.epoch()).isEqualTo(first.epoch());
    assertThat(history.messages()).hasSize(1);
  }

  /**
   * Redis lost a stream this instance saw: that is a hole, not an empty stream, so the read starts
   * a new epoch (readers of the old one learn nothing can be recovered).
   */
  @Test
  void aStreamThisInstanceSawWhoseKeysVanishedReadsAsANewEpoch() {
    String epoch = null;
    for (int i = 0; i < 3; i++) {
      epoch = append("lost", "m" + i, null).epoch();
    }
    jedis.del(streamKeys("lost").toArray(String[]::new));

    StreamHistory history = transport.since("lost", 3);

    assertThat(history.exists()).isTrue();
    assertThat(history.epoch()).isNotEqualTo(epoch);
    assertThat(history.latest()).isZero();
  }

  @Test
  void aStreamAppendedWithARetentionExpiresAsAWhole() {
    append("short", "one", Duration.ofMillis(300));

    for (String key : streamKeys("short")) {
      assertThat(jedis.pttl(key)).as("PTTL of %s", key).isBetween(1L, 300L);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> jedis.exists(streamKeys("short").toArray(String[]::new)) == 0);
    assertThat(transport.since("short", 0).messages()).isEmpty();
  }

  /**
   * A reader that only read a stream learns from its TTL that it expires: once it expired, the
   * reader reads it as empty (nothing was lost) and creates nothing, rather than start a new epoch.
   */
  @Test
  void aReaderOfAnExpiringStreamReadsItAsEmptyOnceItExpired() {
    try (RedisTransport reader =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .uri("redis://127.0.0.1:6379")
                .keyPrefix(prefix)
                .build())) {
      append("read-expiring", "one", Duration.ofMillis(300));
      assertThat(reader.since("read-expiring", 0).messages()).hasSize(1);

      await().atMost(Duration.ofSeconds(5)).until(() -> keys().isEmpty());

      assertThat(reader.since("read-expiring", 1)).isEqualTo(StreamHistory.empty("read-expiring"));
      assertThat(keys()).isEmpty();
    }
  }

  /** Fencing an epoch seen going back keeps the stream's retention: the new epoch expires too. */
  @Test
  void aFencedExpiringStreamKeepsItsRetention() {
    String epoch = append("fenced", "one", Duration.ofMinutes(5)).epoch();

    Object stored =
        jedis.eval(
            io.realtime.redis.internal.StreamScripts.FENCE,
            streamKeys("fenced"),
            List.of("fence-epoch", epoch));

    assertThat(String.valueOf(stored)).isEqualTo("fence-epoch");
    assertThat(jedis.pttl(streamKeys("fenced").get(2))).isGreaterThan(60_000L);
  }

  @Test
  void aStreamAppendedWithoutRetentionKeepsNoOldTtl() {
    append("kept", "one", Duration.ofMinutes(5));
    append("kept", "two", null);

    for (String key : streamKeys("kept")) {
      assertThat(jedis.pttl(key)).as("PTTL of %s", key).isEqualTo(-1L);
    }
  }

  @Test
  void eachAppendSetsTheRetentionAnew() {
    append("renewed", "one", Duration.ofMillis(300));
    append("renewed", "two", Duration.ofMinutes(5));

    for (String key : streamKeys("renewed")) {
      assertThat(jedis.pttl(key)).as("PTTL of %s", key).isGreaterThan(60_000L);
    }
  }

  @Test
  void aRetentionThatIsNotPositiveIsRefusedNamingIt() {
    assertThatThrownBy(() -> transport.append("bad", "x", null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> transport.append("bad", "x", null, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
  }
}
