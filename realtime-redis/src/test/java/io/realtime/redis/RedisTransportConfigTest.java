package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.redis.RedisTransportConfig.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RedisTransportConfigTest {

  @Test
  void aUriGivesHostPortCredentialsDatabaseAndTls() {
    RedisTransportConfig config =
        RedisTransportConfig.builder().uri("rediss://app:s3cr%40t@cache.internal:6380/3").build();

    assertThat(config.mode()).isEqualTo(RedisTransportConfig.Mode.STANDALONE);
    assertThat(config.nodes()).containsExactly(new HostPort("cache.internal", 6380));
    assertThat(config.user()).isEqualTo("app");
    assertThat(config.password()).isEqualTo("s3cr@t");
    assertThat(config.tls()).isTrue();
    assertThat(config.database()).isEqualTo(3);
  }

  @Test
  void thePasswordNeverShows() {
    RedisTransportConfig config =
        RedisTransportConfig.builder().uri("redis://:hunter2@h:1").build();

    assertThat(config.toString()).doesNotContain("hunter2").contains("password=****");
    assertThatThrownBy(() -> RedisTransportConfig.builder().uri("http://:hunter2@h:1"))
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedisTransportConfig.builder().uri("redis://:hunter2@h:1/x"))
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedisTransportConfig.builder().uri("redis://:hunter2@[bad"))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void theDefaultsAreTheOriginals() {
    RedisTransportConfig config = RedisTransportConfig.builder().build();

    assertThat(config.keyPrefix()).isEqualTo("hsi");
    assertThat(config.historySize()).isEqualTo(1000);
    assertThat(config.deduplicationWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.commandThreads()).isEqualTo(16);
    assertThat(config.commandQueueSize()).isEqualTo(1000);
    assertThat(config.deliveryThreads()).isEqualTo(4);
    assertThat(config.deliveryQueueSize()).isEqualTo(10_000);
    assertThat(config.subscriberConnections()).isEqualTo(1);
  }

  @Test
  void propertiesBoundDeduplicationCommandsAndDelivery() {
    Properties properties = new Properties();
    properties.setProperty("r.deduplication-window-ms", "60000");
    properties.setProperty("r.command-threads", "8");
    properties.setProperty("r.command-queue-size", "50");
    properties.setProperty("r.delivery-threads", "2");
    properties.setProperty("r.delivery-queue-size", "100");
    properties.setProperty("r.subscriber-connections", "3");

    RedisTransportConfig config = RedisTransportConfig.fromProperties(properties, "r.");

    assertThat(config.deduplicationWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.commandThreads()).isEqualTo(8);
    assertThat(config.commandQueueSize()).isEqualTo(50);
    assertThat(config.deliveryThreads()).isEqualTo(2);
    assertThat(config.deliveryQueueSize()).isEqualTo(100);
    assertThat(config.subscriberConnections()).isEqualTo(3);
    assertThat(config.toString()).contains("deduplicationWindow=PT1M", "subscriberConnections=3");
  }

  @Test
  void propertiesConfigureEverything() {
    Properties properties = new Properties();
    properties.setProperty("realtime.redis.sentinel.master", "mymaster");
    properties.setProperty("realtime.redis.sentinel.nodes", "s1:26379, s2:26379");
    properties.setProperty("realtime.redis.key-prefix", "prod");
    properties.setProperty("realtime.redis.history-size", "500");
    properties.setProperty("realtime.redis.command-timeout-ms", "750");

    RedisTransportConfig config =
        RedisTransportConfig.fromProperties(properties, "realtime.redis.");

    assertThat(config.mode()).isEqualTo(RedisTransportConfig.Mode.SENTINEL);
    assertThat(config.sentinelMaster()).isEqualTo("mymaster");
    assertThat(config.nodes())
        .containsExactly(new HostPort("s1", 26379), new HostPort("s2", 26379));
    assertThat(config.keyPrefix()).isEqualTo("prod");
    assertThat(config.historySize()).isEqualTo(500);
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void aChannelKeyIsRefusedByNameRatherThanIgnored() {
    Properties properties = new Properties();
    properties.setProperty("realtime.redis.channels.job-logs", "app1:job:{id}:logs");
    assertThatThrownBy(() -> RedisTransportConfig.fromProperties(properties, "realtime.redis."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("realtime.redis.channels.job-logs is not read")
        .hasMessageContaining("JobLogEmitter's logChannel");
  }

  @Test
  void badValuesAreNamed() {
    Properties properties = new Properties();
    properties.setProperty("p.database", "x");
    assertThatThrownBy(() -> RedisTransportConfig.fromProperties(properties, "p."))
        .hasMessageContaining("p.database must be an integer, got 'x'");
    assertThatThrownBy(() -> RedisTransportConfig.builder().database(16))
        .hasMessageContaining("got 16");
    assertThatThrownBy(() -> RedisTransportConfig.builder().keyPrefix("a b"))
        .hasMessageContaining("got 'a b'");
    assertThatThrownBy(() -> RedisTransportConfig.builder().cluster(List.of()))
        .hasMessageContaining("must not be empty");
    assertThatThrownBy(
            () -> RedisTransportConfig.builder().ping(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("pingTimeout must be longer");
    assertThatThrownBy(() -> RedisTransportConfig.builder().deduplicationWindow(Duration.ZERO))
        .hasMessageContaining("deduplicationWindow must be positive, got PT0S");
    assertThatThrownBy(() -> RedisTransportConfig.builder().commandThreads(0, 10))
        .hasMessageContaining("commandThreads must be from 1 to 1024, got 0");
    assertThatThrownBy(() -> RedisTransportConfig.builder().commandThreads(4, 0))
        .hasMessageContaining("commandQueueSize must be from 1 up, got 0");
    assertThatThrownBy(() -> RedisTransportConfig.builder().delivery(2, -1))
        .hasMessageContaining("deliveryQueueSize must be from 1 up, got -1");
    assertThatThrownBy(() -> RedisTransportConfig.builder().subscriberConnections(0))
        .hasMessageContaining("subscriberConnections must be from 1 to 64, got 0");
    Properties bad = new Properties();
    bad.setProperty("p.command-threads", "many");
    assertThatThrownBy(() -> RedisTransportConfig.fromProperties(bad, "p."))
        .hasMessageContaining("p.command-threads must be an integer, got 'many'");
  }
}
