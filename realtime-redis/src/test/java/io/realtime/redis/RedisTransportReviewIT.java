package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Found in review of the multiplexed subscriber connections (issue 15): how they end when Redis
 * stops answering, and what reads leave behind.
 */
class RedisTransportReviewIT extends PrivateRedisCase {

  /**
   * A paused Redis stops reading: once the kernel's buffers are full, the writer of the subscriber
   * connection blocks in its socket write. Ending that connection must not wait for the write (a
   * flush before the close would, holding the watchdog, which then checks no connection anymore).
   */
  @Test
  void aConnectionWhoseWriterIsBlockedOnAPausedRedisIsStillEndedWithinThePingTimeout()
      throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    RecordingListener first = new RecordingListener();
    transport.subscribe("first", first).confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);

    server.pause();
    try {
      // far more SUBSCRIBE bytes than the socket buffers hold: the writer blocks in its write
      String padding = "x".repeat(1_000);
      List<TransportSubscription> flood = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        flood.add(transport.subscribe("flood-" + i + "-" + padding, new RecordingListener()));
      }
      // the ping timeout is 1 s: the connection and every channel on it end well within 5 s
      await().atMost(Duration.ofSeconds(5)).until(() -> first.failures.size() == 1);
    } finally {
      server.resume();
    }
    assertThat(first.failures.get(0)).hasMessageContaining("first");
  }

  /**
   * An instance that only heard a stream live (another instance appends it, with a retention; this
   * one's viewer opened before the stream existed, so its first read found nothing) has a mark for
   * it but never learnt that it expires. Once it expired, its read must find nothing and create
   * nothing: not take the expiry for a loss, and leave an epoch key without TTL behind.
   */
  @Test
  void aStreamOnlyHeardLiveThatExpiredReadsAsEmptyAndLeavesNoKey() throws Exception {
    RedisServer server = server();
    RedisTransport appender = transport(server.port());
    RedisTransport follower = transport(server.port());
    String channel = "job:heard-live:logs";
    RecordingListener heard = new RecordingListener();
    TransportSubscription subscription = follower.subscribe(channel, heard);
    subscription.confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(follower.since(channel, 0)).isEqualTo(StreamHistory.empty(channel));

    appender
        .append(channel, "line", null, Duration.ofMillis(300))
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.messages.size() == 1);
    subscription.close();
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      await().atMost(Duration.ofSeconds(5)).until(() -> jedis.keys("*").isEmpty());

      assertThat(follower.since(channel, 1)).isEqualTo(StreamHistory.empty(channel));
      assertThat(jedis.keys("*")).as("keys left by a read of an expired stream").isEmpty();
    }
  }

  /**
   * A subscriber's code run when its subscription is confirmed (a backlog read, as the Javadoc of
   * {@code subscribe} suggests) must not hold the connection's reading thread: the other channels
   * on the connection would hear nothing meanwhile, and a long enough wait ends the connection.
   */
  @Test
  void aSlowConfirmationCallbackOfOneChannelDoesNotHoldTheOtherChannels() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    RecordingListener other = new RecordingListener();
    transport.subscribe("other", other).confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);

    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch confirmedSlow = new CountDownLatch(1);
    // paused, so that the callback is in place before Redis confirms (well within the 1 s timeout)
    server.pause();
    transport
        .subscribe("slow-owner", new RecordingListener())
        .confirmed()
        .thenRun(
            () -> {
              confirmedSlow.countDown();
              try {
                release.await(10, TimeUnit.SECONDS); // stands for a slow backlog read
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    server.resume();
    try {
      assertThat(confirmedSlow.await(5, TimeUnit.SECONDS)).isTrue();
      try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
        jedis.publish("other", "not held");
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> other.messages.size() == 1);
    } finally {
      release.countDown();
    }
  }

  /**
   * SUBSCRIBE and UNSUBSCRIBE of one channel crossing on the connection (the last listener leaves
   * as a new one comes, before or after Redis confirmed): whatever the interleaving, the listener
   * left at the end is confirmed and hears what is published, once, and the channel stays
   * subscribed exactly while it has a listener.
   */
  @Test
  void subscribeAndUnsubscribeOfOneChannelCrossingLeaveTheLastListenerSubscribed()
      throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    TransportSubscription last = null;
    RecordingListener lastListener = null;
    for (int round = 0; round < 300; round++) {
      if (last != null) {
        last.close(); // sometimes before its confirmation, sometimes after
      }
      // the UNSUBSCRIBE just queued (or the SUBSCRIBE dropped) and this SUBSCRIBE cross
      RecordingListener listener = new RecordingListener();
      TransportSubscription next = transport.subscribe("crossing", listener);
      if (round % 5 == 0) {
        // and a listener joining the new subscriber, then leaving at once
        transport.subscribe("crossing", new RecordingListener()).close();
      }
      if (round % 3 == 0) {
        next.confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
      last = next;
      lastListener = listener;
    }
    last.confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      assertThat(jedis.publish("crossing", "after")).isEqualTo(1);
      RecordingListener heard = lastListener;
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.messages.size() == 1);

      last.close();
      await().atMost(Duration.ofSeconds(5)).until(() -> jedis.pubsubChannels().isEmpty());
      assertThat(heard.failures).isEmpty();
      assertThat(heard.payloads()).containsExactly("after");
    }
  }
}
