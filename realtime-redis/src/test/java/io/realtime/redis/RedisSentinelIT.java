package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.redis.RedisTransportConfig.HostPort;
import io.realtime.test.RecordingConnection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** A Sentinel failover during traffic: the transport follows the new master and loses nothing. */
class RedisSentinelIT {

  private static final MessageCodec CODEC = MessageCodec.json();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private RedisServer master;
  private RedisServer replica;
  private RedisServer sentinel;

  @BeforeEach
  void start() throws Exception {
    master = RedisServer.start();
    replica = RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    sentinel = RedisServer.startSentinel("mymaster", master.port());
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                return jedis.sentinelReplicas("mymaster").size() == 1;
              }
            });
  }

  @AfterEach
  void stop() throws Exception {
    sentinel.close();
    replica.close();
    master.close();
  }

  private static Envelope event(long n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "b", "porch", 20, RiskLevel.LOW, "event " + n, null));
  }

  private static Set<Long> ids(RecordingConnection client) {
    Set<Long> ids = new HashSet<>();
    for (String text : client.texts()) {
      if (CODEC.decode(text) instanceof Envelope e && e.type().equals("event")) {
        assertThat(ids.add(e.dataAs(SecurityEvent.class).id()))
            .as("event delivered twice")
            .isTrue();
      }
    }
    return ids;
  }

  private static boolean hasOurSubscriber(int port) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      return jedis
          .clientList()
          .lines()
          .anyMatch(line -> line.contains("name=realtime") && line.contains("sub=1"));
    }
  }

  @Test
  void aFailoverDuringTrafficResubscribesToTheNewMaster() throws Exception {
    RedisTransport transport =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .sentinel("mymaster", List.of(new HostPort("127.0.0.1", sentinel.port())))
                .commandTimeout(Duration.ofMillis(800))
                .connectTimeout(Duration.ofMillis(800))
                .ping(Duration.ofMillis(200), Duration.ofMillis(1500))
                .build());
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    RecordingConnection client = new RecordingConnection("ws-events-1");
    registry.register("events", client);
    EventBroadcaster events =
        EventBroadcaster.builder(transport, registry)
            .recoveryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
    events.start();
    AtomicLong published = new AtomicLong();
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    try {
      await().atMost(WAIT).until(() -> hasOurSubscriber(master.port()));
      traffic.scheduleAtFixedRate(
          () -> events.publish(event(published.incrementAndGet())).toCompletableFuture().join(),
          0,
          20,
          TimeUnit.MILLISECONDS);
      await().atMost(WAIT).until(() -> ids(client).size() >= 20);

      try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
        jedis.sentinelFailover("mymaster");
      }
      // The promoted replica drops its clients as it changes role: a poll may meet a reset.
      await()
          .atMost(WAIT)
          .ignoreExceptionsInstanceOf(JedisConnectionException.class)
          .until(() -> hasOurSubscriber(replica.port()));
      await().atMost(WAIT).until(() -> published.get() >= 150);
      traffic.shutdown();
      assertThat(traffic.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

      long total = published.get();
      await().atMost(WAIT).until(() -> ids(client).size() == total);
      assertThat(events.isDegraded()).isFalse();
    } finally {
      traffic.shutdownNow();
      events.close();
      registry.shutdown(Duration.ofMillis(200)).join();
      transport.close();
    }
  }
}
