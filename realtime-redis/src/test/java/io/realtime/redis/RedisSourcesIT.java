package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.message.payload.SystemStatus.QueueDepths;
import io.realtime.test.ManualTime;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue-depth source and the rate limiter against real Redis. */
class RedisSourcesIT {

  private final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
  private final RedisTransport transport =
      RedisTransport.create(RedisTransportConfig.builder().keyPrefix(prefix).build());

  @AfterEach
  void close() {
    transport.close();
  }

  @Test
  void queueDepthsAreListLengths() {
    transport.commands().rpush(prefix + ":detection_queue", "a", "b", "c");
    transport.commands().rpush(prefix + ":analysis_queue", "x");
    transport.commands().rpush(prefix + ":dlq:detection", "d1", "d2");
    RedisQueueMetrics source =
        new RedisQueueMetrics(
            transport,
            prefix + ":detection_queue",
            prefix + ":analysis_queue",
            List.of(prefix + ":dlq:detection", prefix + ":dlq:analysis"));

    assertThat(source.collect()).isEqualTo(new QueueDepths(3L, 1L, 2L));
  }

  @Test
  void redisMetricsReadInfo() {
    RedisStats stats = new RedisMetrics(transport).collect();

    assertThat(stats.status()).isEqualTo("healthy");
    assertThat(stats.connectedClients()).isPositive();
    assertThat(stats.memoryMb()).isPositive();
    assertThat(stats.hitRatio()).isBetween(0.0, 100.0);
    assertThat(stats.blockedClients()).isNotNegative();
  }

  @Test
  void hitRatioIsZeroWithoutTrafficAndAPercentageWithIt() {
    assertThat(RedisMetrics.parse("# Stats\r\nkeyspace_hits:0\r\nkeyspace_misses:0\r\n"))
        .containsEntry("keyspace_hits", "0");
  }

  @Test
  void theRateLimiterAllowsLimitPlusBurstPerWindowAndSlides() {
    ManualTime time = new ManualTime();
    RedisRateLimiter limiter = new RedisRateLimiter(transport, 3, 2, Duration.ofMinutes(1), time);

    for (int i = 0; i < 5; i++) {
      assertThat(limiter.tryAcquire("10.1.1.1")).as("attempt %d", i + 1).isTrue();
    }
    assertThat(limiter.tryAcquire("10.1.1.1")).isFalse();
    assertThat(limiter.tryAcquire("10.1.1.2")).isTrue();

    time.advance(Duration.ofSeconds(61));
    assertThat(limiter.tryAcquire("10.1.1.1")).isTrue();
    assertThat(transport.commands().pttl(prefix + ":rate_limit:websocket:10.1.1.1")).isPositive();
  }

  @Test
  void theRateLimiterFailsOpenWhenRedisIsDown() throws Exception {
    int deadPort = RedisServer.freePort();
    try (RedisTransport dead =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .uri("redis://127.0.0.1:" + deadPort)
                .connectTimeout(Duration.ofMillis(300))
                .build())) {
      RedisRateLimiter limiter = RedisRateLimiter.withDefaults(dead);

      for (int i = 0; i < 200; i++) {
        assertThat(limiter.tryAcquire("10.1.1.1")).isTrue();
      }
      assertThat(new RedisMetrics(dead).collect())
          .isEqualTo(new RedisStats("unreachable", null, null, null, null));
    }
  }
}
