package io.realtime.redis;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Counts what a transport stored in Redis, for the compatibility kit's {@code storedState()}. */
final class RedisKeys {

  private RedisKeys() {}

  /**
   * Counts the keys under a prefix on one node with SCAN (never KEYS, which would block a shared
   * Redis).
   *
   * @param port the node's port on 127.0.0.1
   * @param keyPrefix the transport's key prefix
   * @return the number of keys named {@code <keyPrefix>:*}
   */
  static long underPrefix(int port, String keyPrefix) {
    long count = 0;
    ScanParams match = new ScanParams().match(keyPrefix + ":*").count(1_000);
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = jedis.scan(cursor, match);
        count += page.getResult().size();
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
    return count;
  }
}
