package io.realtime.redis.internal;

import io.realtime.internal.util.RequiredVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Checks, when a Redis transport is built, that the Jedis on the class path is one realtime-redis
 * runs on: 8.0 or newer ({@code RedisClient}, {@code RedisSentinelClient} and {@code
 * RedisClusterClient} came in 7.2; {@code DefaultJedisClientConfig.Builder.autoNegotiateProtocol}
 * and {@code Connection.getHostAndPort} in 8.0). Spring Boot 4.0 manages Jedis 7.0.0, on which the
 * transport would otherwise fail with {@code NoClassDefFoundError:
 * redis/clients/jedis/RedisClient}.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time.
 */
public final class JedisVersionCheck {

  /** The Jedis version realtime-redis is built and tested with, the one to recommend. */
  public static final String TESTED = "8.0.2";

  /** The oldest Jedis realtime-redis runs on. */
  public static final RequiredVersion REQUIRED =
      new RequiredVersion(
          "realtime-redis",
          "Jedis",
          8,
          0,
          "depend on redis.clients:jedis "
              + TESTED
              + " (Spring Boot 4.0 manages 7.0.0: set <jedis.version>"
              + TESTED
              + "</jedis.version>)");

  private static final Logger log = LoggerFactory.getLogger(JedisVersionCheck.class);

  /** Jedis keeps its Maven coordinates next to its classes (what {@code JedisMetaInfo} reads). */
  private static final String POM_PROPERTIES = "pom.properties";

  private static volatile boolean checked;

  private JedisVersionCheck() {}

  /**
   * Checks the Jedis on the class path, once; later calls return at once.
   *
   * @throws IllegalStateException naming the version found and the one needed if it is older than
   *     8.0
   */
  public static void require() {
    if (checked) {
      return;
    }
    String found = foundVersion();
    if (found == null) {
      // a repackaged Jedis without its coordinates: nothing to go by, the classes will tell
      log.debug("The Jedis version on the class path is not stated; not checked");
    } else {
      REQUIRED.check(found);
    }
    checked = true;
  }

  /**
   * Returns the version of the Jedis that {@link UnifiedJedis} is loaded from.
   *
   * @return the version, or {@code null} if the jar does not state it
   */
  public static String foundVersion() {
    try (InputStream in = UnifiedJedis.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Jedis version", e);
    }
  }
}
