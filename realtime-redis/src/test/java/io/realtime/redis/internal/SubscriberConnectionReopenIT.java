package io.realtime.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.redis.RedisServer;
import io.realtime.redis.RedisTransportConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A subscriber connection that was ended never writes on a new socket: Jedis reopens a closed
 * socket on the next command, without handshake, and a writer's turn running as the connection is
 * ended would subscribe channels on a connection that nobody reads or closes.
 */
class SubscriberConnectionReopenIT {

  private final CountDownLatch release = new CountDownLatch(1);
  private RedisServer server;
  private RedisConnections connections;
  private SubscriberConnection connection;

  @AfterEach
  void close() throws Exception {
    release.countDown();
    if (connection != null) {
      connection.close();
    }
    if (connections != null) {
      connections.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aWriterTurnAfterTheConnectionWasKilledSubscribesNothingOnANewSocket() throws Exception {
    server = RedisServer.start();
    connections =
        new RedisConnections(
            RedisTransportConfig.builder().uri("redis://127.0.0.1:" + server.port()).build());
    // the writer's turns wait here until the test runs them
    List<Runnable> turns = new CopyOnWriteArrayList<>();
    Executor writer = turns::add;
    connection =
        new SubscriberConnection(
            "reopen",
            connections,
            connections.nodeFor("any"),
            Duration.ofSeconds(30),
            writer,
            ended -> {});
    // the reader stops in this observer on the first stream frame: the kill below is not noticed
    ChannelSubscriber held =
        new ChannelSubscriber(
            "held",
            Runnable::run,
            10,
            (s, m) -> {
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            ended -> {});
    assertThat(connection.add(held)).isTrue();
    connection.start();
    runTurns(turns);
    held.confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      jedis.publish("held", StreamFrames.STREAM_PREFIX + "1|e1|line");
    }

    ChannelSubscriber late =
        new ChannelSubscriber("late", Runnable::run, 10, (s, m) -> {}, ended -> {});
    assertThat(connection.add(late)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> !turns.isEmpty());
    connection.kill("killed by the test");
    runTurns(turns);

    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      assertThat(jedis.pubsubChannels())
          .as("channels subscribed on a socket opened after the kill")
          .doesNotContain("late");
    }
  }

  private static void runTurns(List<Runnable> turns) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !turns.isEmpty());
    while (!turns.isEmpty()) {
      turns.remove(0).run();
    }
  }
}
