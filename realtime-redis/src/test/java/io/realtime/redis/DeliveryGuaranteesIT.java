package io.realtime.redis;

import io.realtime.test.delivery.ClientKind;
import io.realtime.test.delivery.DeliveryChecker;
import io.realtime.test.delivery.DeliveryReport;
import io.realtime.test.delivery.Fault;
import io.realtime.test.delivery.Faults;
import io.realtime.test.delivery.TransportFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import redis.clients.jedis.Jedis;

/**
 * The delivery checker against a private redis-server, one fault per test, with fixed seeds: two
 * instances publish 100 events/s to ten clients (normal, slow, stalling, reconnecting) while the
 * fault is injected. Every acknowledged event must reach every client once, unless the client was
 * told (1013, gap_too_old, recovered:false, a new epoch). {@code -Dsoak.minutes=60} makes {@link
 * #everyFaultInALoop()} run every fault in turn for that long; by default it runs each once.
 */
class DeliveryGuaranteesIT {

  private static final String CHANNEL = "delivery_check_events";

  private RedisServer server;
  private String testName;

  @BeforeEach
  void start(TestInfo test) throws Exception {
    testName = test.getTestMethod().orElseThrow().getName();
    server = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  /** Each instance's transport: short timeouts, a history of 300, so faults show within seconds. */
  private TransportFactory redis() {
    return instance ->
        RedisTransport.create(
            RedisTransportConfig.builder()
                .uri("redis://127.0.0.1:" + server.port())
                .historySize(300)
                .commandTimeout(Duration.ofMillis(800))
                .connectTimeout(Duration.ofMillis(800))
                .ping(Duration.ofMillis(200), Duration.ofMillis(1000))
                .build());
  }

  /** The run every test shares; a 5 s breaker window keeps recovery within the test's bound. */
  private DeliveryChecker.Builder checker(long seed, Duration duration) {
    return DeliveryChecker.builder(redis())
        .seed(seed)
        .instances(2)
        .transportChannel(CHANNEL)
        .publishRate(100)
        .duration(duration)
        .quiescence(Duration.ofSeconds(20))
        .breakerRecoveryTimeout(Duration.ofSeconds(5));
  }

  /**
   * SIGKILL, then a relaunch with nothing on disk (as the machines' Redis keeps nothing): a
   * snapshot an earlier fault of the loop left behind must not turn this fault into a restore of
   * older data, which is the other fault, and whose limit (an instance started after the epoch
   * changed cannot tell an old epoch from a new one) the loop would otherwise hit by chance.
   */
  private Fault sigkill() {
    return Fault.of(
        "redis SIGKILL + relaunch empty",
        context -> server.kill(),
        context -> server.launchEmpty());
  }

  private Fault sigstop() {
    return Fault.of("redis SIGSTOP", context -> server.pause(), context -> server.resume());
  }

  /** SAVE now; the hold is the traffic after it; then SIGKILL and relaunch from that dump. */
  private Fault olderSnapshot() {
    return Fault.of(
        "redis restarted from an older snapshot",
        context -> {
          try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            jedis.save();
          }
        },
        context -> server.restartFromSnapshot());
  }

  @Test
  void redisKilled() throws Exception {
    check(checker(101, Duration.ofSeconds(14)).fault(sigkill(), 2, Duration.ofMillis(1500)));
  }

  @Test
  void redisStalled() throws Exception {
    check(checker(102, Duration.ofSeconds(16)).fault(sigstop(), 3, Duration.ofMillis(2600)));
  }

  @Test
  void redisRestartedFromAnOlderSnapshot() throws Exception {
    check(checker(103, Duration.ofSeconds(14)).fault(olderSnapshot(), 2, Duration.ofSeconds(2)));
  }

  @Test
  void historyUnreadable() throws Exception {
    // 4 s at 100 events/s outlasts the history of 300: what was skipped is gone from it.
    check(
        checker(104, Duration.ofSeconds(14))
            .fault(Faults.historyUnreadable(), 2, Duration.ofSeconds(4)));
  }

  @Test
  void slowAndStalledClients() throws Exception {
    check(
        checker(105, Duration.ofSeconds(14))
            .clients(ClientKind.SLOW, 2)
            .clients(ClientKind.STALLING, 2)
            .fault(Faults.stalledClients(), 2, Duration.ofSeconds(3)));
  }

  @Test
  void instanceRestarted() throws Exception {
    check(
        checker(106, Duration.ofSeconds(14))
            .instances(3)
            .fault(Faults.instanceRestart(), 3, Duration.ofMillis(1500)));
  }

  /**
   * Every fault in turn: once each by default (about 25 s, 35 s when it fails), or for {@code
   * soak.minutes} with one injection every 15 s or so and 20 events/s.
   */
  @Test
  void everyFaultInALoop() throws Exception {
    int minutes = Integer.getInteger("soak.minutes", 0);
    boolean soak = minutes > 0;
    Duration duration = soak ? Duration.ofMinutes(minutes) : Duration.ofSeconds(20);
    int times = soak ? Math.max(1, minutes / 2) : 1;
    check(
        checker(107, duration)
            .publishRate(soak ? 20 : 100)
            .quiescence(Duration.ofSeconds(15))
            .fault(sigkill(), times, Duration.ofMillis(1500))
            .fault(sigstop(), times, Duration.ofMillis(2600))
            .fault(olderSnapshot(), times, Duration.ofSeconds(2))
            .fault(Faults.historyUnreadable(), times, Duration.ofSeconds(2))
            .fault(Faults.stalledClients(), times, Duration.ofSeconds(3))
            .fault(Faults.instanceRestart(), times, Duration.ofMillis(1500)));
  }

  /** Runs, keeps the report (passed or not) in target/delivery-check/, asserts it is clean. */
  private void check(DeliveryChecker.Builder run) throws InterruptedException {
    DeliveryReport report = run.build().run();
    report.writeTo(Path.of("target", "delivery-check"), "DeliveryGuaranteesIT." + testName);
    report.assertClean();
  }
}
