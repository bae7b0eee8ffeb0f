package io.realtime.metrics.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.test.ManualTime;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A private PostgreSQL that the test pauses and kills: the source reports it within the timeout.
 */
class PrivatePostgresOutageIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration BOUND = Duration.ofSeconds(6);

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aPausedThenStoppedServerIsUnreachableWithinTheTimeout() throws Exception {
    try (PrivatePostgres server = PrivatePostgres.start();
        PostgresMetrics metrics =
            new PostgresMetrics(
                PostgresConnections.pool(server.jdbcUrl(), "postgres", null, TIMEOUT),
                new ManualTime())) {
      await().atMost(Duration.ofSeconds(30)).until(() -> healthy(metrics.collect()));

      server.pause();
      assertUnreachableWithinBound(metrics);

      server.resume();
      await().atMost(Duration.ofSeconds(30)).until(() -> healthy(metrics.collect()));

      server.kill();
      assertUnreachableWithinBound(metrics);
    }
  }

  private static void assertUnreachableWithinBound(PostgresMetrics metrics) {
    long start = System.nanoTime();
    PostgresStats stats = metrics.collect();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(stats).isEqualTo(new PostgresStats("unreachable", null, null, null, null));
    assertThat(took).as("bounded by the 1 s timeouts").isLessThan(BOUND);
  }

  private static boolean healthy(PostgresStats stats) {
    return "healthy".equals(stats.status());
  }
}
