package io.realtime.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.redis.RecordingListener;
import io.realtime.redis.RedisServer;
import io.realtime.redis.RedisTransportConfig;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Channels sharing one subscriber connection: a listener joining a subscriber as it dies is
 * refused, never left without onFailure; one channel ending leaves the others subscribed.
 */
class ChannelSubscriberIT {

  private RedisServer server;
  private RedisConnections connections;
  private final ExecutorService writer = Executors.newCachedThreadPool();
  private SubscriberConnection connection;

  @BeforeEach
  void open() throws Exception {
    server = RedisServer.start();
    connections =
        new RedisConnections(
            RedisTransportConfig.builder().uri("redis://127.0.0.1:" + server.port()).build());
    connection =
        new SubscriberConnection(
            "test",
            connections,
            connections.nodeFor("any"),
            Duration.ofSeconds(3),
            writer,
            ended -> {});
    connection.start();
  }

  @AfterEach
  void close() throws Exception {
    connection.kill("test over");
    writer.shutdownNow();
    connections.close();
    server.close();
  }

  private ChannelSubscriber subscribed(String channel, RecordingListener recorder)
      throws Exception {
    ChannelSubscriber subscriber =
        new ChannelSubscriber(channel, Runnable::run, 10, (s, m) -> {}, connection::remove);
    assertThat(subscriber.addListener(recorder)).isTrue();
    assertThat(connection.add(subscriber)).isTrue();
    subscriber.confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return subscriber;
  }

  private long subscribers(String channel) {
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      return jedis.pubsubNumSub(channel).getOrDefault(channel, 0L);
    }
  }

  @Test
  void aListenerAddedOnceTheSubscriberEndedIsRefused() throws Exception {
    RecordingListener first = new RecordingListener();
    ChannelSubscriber subscriber = subscribed("dying", first);

    server.kill();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.failures.size() == 1);

    RecordingListener late = new RecordingListener();
    assertThat(subscriber.addListener(late))
        .as("a listener the ended subscriber will never tell is refused")
        .isFalse();
    assertThat(first.failures).hasSize(1);
    assertThat(connection.isDead()).isTrue();
  }

  @Test
  void oneChannelEndingIsUnsubscribedAndLeavesTheOthersOnTheConnection() throws Exception {
    RecordingListener ending = new RecordingListener();
    RecordingListener staying = new RecordingListener();
    ChannelSubscriber ended = subscribed("ending", ending);
    subscribed("staying", staying);

    ended.kill("test");

    await().atMost(Duration.ofSeconds(5)).until(() -> subscribers("ending") == 0);
    assertThat(ending.failures).hasSize(1);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      jedis.publish("ending", "late");
      jedis.publish("staying", "kept");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> staying.messages.size() == 1);
    assertThat(ending.messages).isEmpty();
    assertThat(staying.failures).isEmpty();
    assertThat(connection.channelCount()).isEqualTo(1);
  }
}
