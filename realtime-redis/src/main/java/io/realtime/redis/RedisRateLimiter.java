package io.realtime.redis;

import io.realtime.admission.ConnectionRateLimiter;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * The connection rate limiter shared by every instance: a sliding window per client in a Redis
 * sorted set ({@code <prefix>:rate_limit:websocket:<client>}), at most {@code limit + burst}
 * attempts per window (100 per minute plus 2 by default, as the original). It fails open: when
 * Redis errors, connections are allowed, and that is logged once per outage.
 */
public final class RedisRateLimiter implements ConnectionRateLimiter {

  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);

  private static final String SCRIPT =
      "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))\n"
          + "if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end\n"
          + "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])\n"
          + "redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
          + "return 1\n";

  private final UnifiedJedis redis;
  private final String keyPrefix;
  private final int allowed;
  private final Duration window;
  private final TimeSource time;
  private final AtomicBoolean failingOpen = new AtomicBoolean();

  /**
   * Creates a limiter.
   *
   * @param transport the Redis transport whose connection it shares
   * @param limit attempts per window, at least 1
   * @param burst extra attempts, 0 or more
   * @param window the window, at least 1 ms
   * @param time the wall clock of the window
   */
  public RedisRateLimiter(
      RedisTransport transport, int limit, int burst, Duration window, TimeSource time) {
    if (limit < 1 || burst < 0) {
      throw new IllegalArgumentException(
          "need limit >= 1 and burst >= 0, got limit=" + limit + " burst=" + burst);
    }
    if (window == null || window.toMillis() < 1) {
      throw new IllegalArgumentException("window must be at least 1 ms, got " + window);
    }
    this.redis = transport.commands();
    this.keyPrefix = transport.config().keyPrefix() + ":rate_limit:websocket:";
    this.allowed = limit + burst;
    this.window = window;
    this.time = Objects.requireNonNull(time, "time");
  }

  /**
   * Creates the original's limiter: 100 per minute plus a burst of 2.
   *
   * @param transport the Redis transport
   * @return the limiter
   */
  public static RedisRateLimiter defaults(RedisTransport transport) {
    return new RedisRateLimiter(transport, 100, 2, Duration.ofMinutes(1), TimeSource.system());
  }

  /**
   * Same as {@link #defaults(RedisTransport)}.
   *
   * @param transport the Redis transport
   * @return the limiter
   * @deprecated use {@link #defaults(RedisTransport)}, the one spelling of defaults
   *     (CONTRIBUTING.md)
   */
  @Deprecated(since = "0.1.0")
  public static RedisRateLimiter withDefaults(RedisTransport transport) {
    return defaults(transport);
  }

  @Override
  public boolean tryAcquire(String clientKey) {
    try {
      Object allowedNow =
          redis.eval(
              SCRIPT,
              List.of(keyPrefix + clientKey),
              List.of(
                  Long.toString(time.now().toEpochMilli()),
                  Long.toString(window.toMillis()),
                  Integer.toString(allowed),
                  UUID.randomUUID().toString()));
      if (failingOpen.compareAndSet(true, false)) {
        log.info("Rate limiting works again");
      }
      return ((Number) allowedNow).longValue() == 1;
    } catch (RuntimeException e) {
      if (failingOpen.compareAndSet(false, true)) {
        log.warn("Rate limiting fails open while Redis errors: {}", e.toString());
      }
      return true;
    }
  }
}
