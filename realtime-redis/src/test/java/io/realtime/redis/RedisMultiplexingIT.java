package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.transport.TransportException;
import io.realtime.transport.TransportSubscription;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Issue 15: subscriptions share a few connections and threads whatever the number of channels,
 * opening one never waits on Redis, and a broken connection is noticed by every channel it carried.
 * Each test runs against a private Redis, whose clients are all this transport's.
 */
class RedisMultiplexingIT extends PrivateRedisCase {

  private static final Logger log = LoggerFactory.getLogger(RedisMultiplexingIT.class);

  /** The clients the transport holds on a private server: every one but the asking one. */
  private static List<String> clients(RedisServer server) {
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      return jedis.clientList().lines().filter(line -> line.contains("name=realtime")).toList();
    }
  }

  private static long subscriberClients(RedisServer server) {
    return clients(server).stream().filter(line -> !line.contains(" sub=0 ")).count();
  }

  private static long channelsSubscribed(RedisServer server) {
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      return jedis.pubsubChannels().size();
    }
  }

  private static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static void confirmed(List<TransportSubscription> subscriptions) {
    CompletableFuture.allOf(
            subscriptions.stream()
                .map(s -> s.confirmed().toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .orTimeout(30, TimeUnit.SECONDS)
        .join();
  }

  @Test
  void twoThousandChannelsShareTheConfiguredConnectionsAndAFewThreads() throws Exception {
    RedisServer server = server();
    RedisTransport transport =
        transport(server.port(), b -> b.commandThreads(4, 1_000).subscriberConnections(2));
    int threadsBefore = threads();
    int n = 2_000;
    List<RecordingListener> recorders = new ArrayList<>();
    List<TransportSubscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      RecordingListener recorder = new RecordingListener();
      recorders.add(recorder);
      subscriptions.add(transport.subscribe("job:" + i + ":logs", recorder));
    }
    confirmed(subscriptions);
    log.info(
        "{} channels subscribed: {} Redis connections ({} subscriber connections), {} threads added",
        n,
        clients(server).size(),
        subscriberClients(server),
        threads() - threadsBefore);

    assertThat(clients(server))
        .as("pool (4) + subscriber connections (2)")
        .hasSizeLessThanOrEqualTo(6);
    assertThat(subscriberClients(server)).isLessThanOrEqualTo(2);
    assertThat(threads() - threadsBefore).as("threads added for %d channels", n).isLessThan(20);
    assertThat(channelsSubscribed(server)).isEqualTo(n);

    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      for (int i = 0; i < n; i++) {
        jedis.publish("job:" + i + ":logs", "line of " + i);
      }
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> recorders.stream().allMatch(r -> r.messages.size() == 1));
    for (int i = 0; i < n; i++) {
      assertThat(recorders.get(i).messages.get(0).payload()).isEqualTo("line of " + i);
      assertThat(recorders.get(i).failures).isEmpty();
    }

    subscriptions.forEach(TransportSubscription::close);
    await().atMost(Duration.ofSeconds(10)).until(() -> channelsSubscribed(server) == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> subscriberClients(server) == 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> threads() - threadsBefore <= 10);
  }

  @Test
  void subscribingWhileRedisIsPausedReturnsAtOnceAndFailsTheConfirmationAfterTheTimeout()
      throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    server.pause();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch ready = new CountDownLatch(4);
      List<Future<TransportSubscription>> opened = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        String channel = "paused-" + i;
        opened.add(
            callers.submit(
                () -> {
                  ready.countDown();
                  long called = System.nanoTime();
                  TransportSubscription subscription =
                      transport.subscribe(channel, new RecordingListener());
                  assertThat(Duration.ofNanos(System.nanoTime() - called))
                      .as("subscribe returns without waiting for Redis")
                      .isLessThan(Duration.ofMillis(100));
                  return subscription;
                }));
      }
      List<CompletableFuture<Void>> confirmations = new ArrayList<>();
      for (Future<TransportSubscription> future : opened) {
        confirmations.add(future.get(5, TimeUnit.SECONDS).confirmed().toCompletableFuture());
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> confirmations.stream().allMatch(CompletableFuture::isDone));
      Duration allFailed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(confirmations.stream().map(PrivateRedisCase::failureOf))
          .allMatch(TransportException.class::isInstance);
      assertThat(allFailed)
          .as("four subscribes fail together, not one after the other")
          .isLessThan(COMMAND_TIMEOUT.multipliedBy(2).plusMillis(700));
      for (Future<TransportSubscription> future : opened) {
        assertThat(future.get().isActive()).isFalse();
      }
    } finally {
      callers.shutdownNow();
      server.resume();
    }

    RecordingListener after = new RecordingListener();
    TransportSubscription again = transport.subscribe("paused-0", after);
    again.confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      jedis.publish("paused-0", "back");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> after.messages.size() == 1);
  }

  @Test
  void aKilledSubscriberConnectionTellsEveryChannelItCarriedAndResubscribingWorks()
      throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    List<RecordingListener> recorders = new ArrayList<>();
    List<TransportSubscription> subscriptions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingListener recorder = new RecordingListener();
      recorders.add(recorder);
      subscriptions.add(transport.subscribe("killed-" + i, recorder));
    }
    confirmed(subscriptions);

    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
    }

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> recorders.stream().allMatch(r -> r.failures.size() == 1));
    assertThat(subscriptions).noneMatch(TransportSubscription::isActive);

    List<RecordingListener> again = new ArrayList<>();
    List<TransportSubscription> renewed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      RecordingListener recorder = new RecordingListener();
      again.add(recorder);
      renewed.add(transport.subscribe("killed-" + i, recorder));
    }
    confirmed(renewed);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      for (int i = 0; i < 3; i++) {
        jedis.publish("killed-" + i, "after " + i);
      }
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> again.stream().allMatch(r -> r.messages.size() == 1));
    assertThat(subscriberClients(server)).isEqualTo(1);
  }
}
