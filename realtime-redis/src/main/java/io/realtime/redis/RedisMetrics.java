package io.realtime.redis;

import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.metrics.MetricSource;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis section of {@code performance_update}, from {@code INFO}: {@code connected_clients},
 * {@code used_memory} as {@code memory_mb}, {@code hit_ratio} from keyspace hits and misses (0 with
 * no traffic, as the original), {@code blocked_clients}, and {@code status} {@code healthy}. When
 * Redis cannot be reached it reports {@code {"status":"unreachable"}}; it never throws.
 */
public final class RedisMetrics implements MetricSource<RedisStats> {

  private static final double BYTES_PER_MB = 1024.0 * 1024.0;

  private final UnifiedJedis redis;

  /**
   * Creates the source.
   *
   * @param transport the Redis transport whose connection it shares
   */
  public RedisMetrics(RedisTransport transport) {
    this.redis = transport.commands();
  }

  @Override
  public RedisStats collect() {
    Map<String, String> info;
    try {
      info = parse(redis.info());
    } catch (RuntimeException e) {
      return new RedisStats("unreachable", null, null, null, null);
    }
    long hits = number(info, "keyspace_hits");
    long misses = number(info, "keyspace_misses");
    double hitRatio = hits + misses == 0 ? 0.0 : round1(100.0 * hits / (hits + misses));
    return new RedisStats(
        "healthy",
        (int) number(info, "connected_clients"),
        round2(number(info, "used_memory") / BYTES_PER_MB),
        hitRatio,
        (int) number(info, "blocked_clients"));
  }

  static Map<String, String> parse(String info) {
    Map<String, String> fields = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  private static long number(Map<String, String> info, String field) {
    try {
      return Long.parseLong(info.getOrDefault(field, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

  private static double round2(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
