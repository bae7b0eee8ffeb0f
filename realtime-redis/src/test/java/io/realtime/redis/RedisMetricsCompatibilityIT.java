package io.realtime.redis;

import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.metrics.MetricSource;
import io.realtime.tck.MetricSourceCompatibilityKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

class RedisMetricsCompatibilityIT extends MetricSourceCompatibilityKit {

  @Override
  protected MetricSource<?> createSource() {
    return new ClosingRedisMetrics(RedisTransport.create(RedisTransportConfig.builder().build()));
  }

  @Override
  protected MetricSource<?> createSourceWithoutItsSensor() {
    try {
      return new ClosingRedisMetrics(
          RedisTransport.create(
              RedisTransportConfig.builder()
                  .uri("redis://127.0.0.1:" + RedisServer.freePort())
                  .connectTimeout(Duration.ofMillis(300))
                  .build()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected boolean isReportedAbsent(Object reading) {
    return reading instanceof RedisStats stats && stats.status().equals("unreachable");
  }

  /** The source with its transport, closed together. */
  private record ClosingRedisMetrics(RedisTransport transport)
      implements MetricSource<RedisStats>, AutoCloseable {
    @Override
    public RedisStats collect() {
      return new RedisMetrics(transport).collect();
    }

    @Override
    public void close() {
      transport.close();
    }
  }
}
