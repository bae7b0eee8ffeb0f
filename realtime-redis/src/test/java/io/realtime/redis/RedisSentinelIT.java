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
import io.realtime.test.delivery.DeliveryChecker;
import io.realtime.test.delivery.DeliveryReport;
import io.realtime.test.delivery.Fault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A Sentinel failover during traffic: the transport follows the new master and loses nothing
 * unannounced. The delivery checker asserts the README's Sentinel guarantees across a failover to a
 * replica that lacks the stream's epoch key (a new epoch; only what the switch window held may be
 * announced lost), and when the promoted replica never got anything at all.
 */
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
    awaitSentinel(jedis -> jedis.sentinelReplicas("mymaster").size() == 1);
  }

  /** Waits until the Sentinel answers as expected; a node changing role may reset a poll. */
  private void awaitSentinel(Predicate<Jedis> condition) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () -> {
              try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                return condition.test(jedis);
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

  /** A transport that finds the master through the Sentinel, with short timeouts. */
  private RedisTransport sentinelTransport() {
    return RedisTransport.create(
        RedisTransportConfig.builder()
            .sentinel("mymaster", List.of(new HostPort("127.0.0.1", sentinel.port())))
            .commandTimeout(Duration.ofMillis(800))
            .connectTimeout(Duration.ofMillis(800))
            .ping(Duration.ofMillis(200), Duration.ofMillis(1500))
            .build());
  }

  @Test
  void aFailoverDuringTrafficResubscribesToTheNewMaster() throws Exception {
    RedisTransport transport = sentinelTransport();
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    RecordingConnection client = new RecordingConnection("ws-events-1");
    registry.register("events", client);
    EventBroadcaster events =
        EventBroadcaster.builder(transport, registry)
            .recoveryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
            .build();
    events.start();
    await().atMost(WAIT).until(events::isLive);
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

  private static final String CHECKED_CHANNEL = "delivery_check_failover";

  /** The epoch key of the checked stream, as RedisTransport names it (default key prefix). */
  private static final String EPOCH_KEY =
      RedisTransportConfig.DEFAULT_KEY_PREFIX + ":{" + CHECKED_CHANNEL + "}:epoch";

  private DeliveryChecker.Builder checker(long seed) {
    return DeliveryChecker.builder(instance -> sentinelTransport())
        .seed(seed)
        .transportChannel(CHECKED_CHANNEL)
        .publishRate(100)
        .duration(Duration.ofSeconds(14))
        .quiescence(Duration.ofSeconds(20))
        .breakerRecoveryTimeout(Duration.ofSeconds(5));
  }

  /** Runs and keeps the report, passed or not, in target/delivery-check/. */
  private static DeliveryReport run(DeliveryChecker.Builder checker, String name)
      throws InterruptedException {
    DeliveryReport report = checker.build().run();
    report.writeTo(Path.of("target", "delivery-check"), "RedisSentinelIT." + name);
    return report;
  }

  /** The master dies; the stopped replica resumes and the Sentinel promotes it. */
  private void promoteTheReplica() throws Exception {
    master.kill();
    replica.resume();
    awaitPromoted();
  }

  /** Waits until the Sentinel names the replica as the master. */
  private void awaitPromoted() {
    String port = Integer.toString(replica.port());
    awaitSentinel(jedis -> jedis.sentinelGetMasterAddrByName("mymaster").get(1).equals(port));
  }

  @Test
  void aFailoverToAReplicaWithoutTheEpochKeyLosesNothingUntold() throws Exception {
    // The replica is made writable and loses the epoch key alone: the master never writes that key
    // again, so the promoted replica has the offsets and the history but no epoch. What is
    // guaranteed is the README's Sentinel row: a replica without the epoch key starts a new epoch,
    // and a resync naming the old one gets recovered: false. Nothing more can be: the failover is
    // asynchronous, so the old master goes on acknowledging (and publishing) appends for about a
    // second after the replica stopped replicating; a client away across that switch cannot be
    // replayed those events and is told so. This test once asserted exactly once, which held only
    // when no reconnecting client happened to be away at the switch (seed 201's schedule against
    // Sentinel's timing): on a slower machine it announced 6 to 12 such pairs lost.
    Fault failover =
        Fault.of(
            "failover to a replica without the epoch key",
            context -> {
              try (Jedis jedis = new Jedis("127.0.0.1", replica.port())) {
                jedis.configSet("replica-read-only", "no");
                jedis.del(EPOCH_KEY);
                assertThat(jedis.exists(EPOCH_KEY)).isFalse();
              }
              try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                jedis.sentinelFailover("mymaster");
              }
            },
            context -> awaitPromoted());

    DeliveryReport report =
        run(checker(201).fault(failover, 1, Duration.ofSeconds(3)), "epochKeyMissing");

    report.assertClean();
    // Only what the old master acknowledged during the switch (about a second at 100 events/s)
    // can be announced lost, and only to clients away across it: far fewer (client, event) pairs
    // than there were events, where a failover that lost the history would announce them all.
    assertThat(report.announcedLost()).isLessThan(report.acknowledged() / 2);
  }

  @Test
  void aPromotedReplicaThatNeverGotTheStreamLosesNothingUntold() throws Exception {
    // Stopped before the first event, the replica never gets the epoch key nor any offset; the
    // master dies and the Sentinel promotes it.
    replica.pause();
    Fault promotion =
        Fault.of(
            "master SIGKILL, promotion of a replica that never got the stream",
            context -> promoteTheReplica(),
            context -> {});

    DeliveryReport report =
        run(checker(202).fault(promotion, 1, Duration.ofSeconds(3)), "neverGotTheStream");

    report.assertClean();
  }

  @Test
  void aPromotedLaggingReplicaLosesNothingUntold() throws Exception {
    // The replica stops once the stream exists: it keeps the epoch key but misses the offsets
    // appended while the hold lasts; then the master dies and the Sentinel promotes it, so Redis
    // comes back with older data under the same epoch.
    Fault promotion =
        Fault.of(
            "replica lagging, master SIGKILL, lagging replica promoted",
            context -> replica.pause(),
            context -> promoteTheReplica());

    DeliveryReport report =
        run(checker(203).fault(promotion, 1, Duration.ofSeconds(2)), "laggingReplica");

    report.assertClean();
  }
}
