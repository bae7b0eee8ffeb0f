package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.PublishReceipt;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis dies (SIGKILL), hangs (SIGSTOP) and comes back, under a real broadcaster: the breaker and
 * degraded mode engage, local delivery goes on, publishes never wait past the timeout, and the
 * transport recovers by itself.
 */
class RedisFailureIT {

  private static final Duration RECOVERY_WINDOW = Duration.ofSeconds(3);
  private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  private static final MessageCodec CODEC = MessageCodec.json();

  private RedisServer server;
  private RedisTransport transport;
  private ConnectionRegistry registry;
  private EventBroadcaster broadcaster;
  private final RecordingConnection client = new RecordingConnection("ws-events-client");

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    transport =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .uri("redis://127.0.0.1:" + server.port())
                .commandTimeout(COMMAND_TIMEOUT)
                .connectTimeout(COMMAND_TIMEOUT)
                .ping(Duration.ofMillis(200), Duration.ofMillis(1000))
                .build());
    registry = ConnectionRegistry.builder().build();
    registry.register("events", client);
    broadcaster =
        EventBroadcaster.builder(transport, registry)
            .circuitBreaker(
                CircuitBreaker.builder("event_broadcaster")
                    .withRecoveryTimeout(RECOVERY_WINDOW)
                    .build())
            .recoveryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
            .build();
    broadcaster.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> publishAndSeeSeq(0));
  }

  @AfterEach
  void stop() throws Exception {
    broadcaster.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    transport.close();
    server.close();
  }

  private int published;

  /** Publishes an event and tells whether it came back from Redis with an offset. */
  private boolean publishAndSeeSeq(int ignored) {
    int n = ++published;
    broadcaster.publish(event(n)).toCompletableFuture().join();
    await().atMost(Duration.ofSeconds(5)).until(() -> ids().contains((long) n));
    return eventOf(n).seq() != null;
  }

  private static Envelope event(long n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "b", "front_door", 30, RiskLevel.LOW, "event " + n, null));
  }

  private List<Envelope> envelopes() {
    return client.texts().stream().map(CODEC::decode).map(Envelope.class::cast).toList();
  }

  private List<Long> ids() {
    return envelopes().stream()
        .filter(e -> e.type().equals("event"))
        .map(e -> e.dataAs(SecurityEvent.class).id())
        .toList();
  }

  private Envelope eventOf(long n) {
    return envelopes().stream()
        .filter(e -> e.type().equals("event") && e.dataAs(SecurityEvent.class).id() == n)
        .findFirst()
        .orElseThrow();
  }

  private List<String> notices() {
    return envelopes().stream()
        .filter(e -> e.type().equals("service_status"))
        .map(e -> e.dataAs(ServiceStatus.class).status())
        .toList();
  }

  @Test
  void aKilledRedisDegradesKeepsLocalDeliveryAndRecoversByItself() throws Exception {
    Envelope before = eventOf(1);
    server.kill();

    await().atMost(Duration.ofSeconds(15)).until(broadcaster::isDegraded);
    // the notice is written to the client after the flag is set
    await().atMost(Duration.ofSeconds(5)).until(() -> !notices().isEmpty());
    assertThat(notices()).containsExactly("degraded");
    long start = System.nanoTime();
    PublishReceipt local = broadcaster.publish(event(100)).toCompletableFuture().get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(COMMAND_TIMEOUT);
    assertThat(local.localOnly()).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> ids().contains(100L));

    server.launch();
    Instant answering = Instant.now();
    Instant windowEnds = Instant.now().plus(broadcaster.circuitBreaker().remainingOpenTime());
    await().atMost(Duration.ofSeconds(15)).until(() -> !broadcaster.isDegraded());
    Instant recovered = Instant.now();

    Instant deadline = (answering.isAfter(windowEnds) ? answering : windowEnds).plusSeconds(2);
    assertThat(recovered)
        .as("recovered within 2 s of Redis answering after the open window")
        .isBefore(deadline);
    await().atMost(Duration.ofSeconds(5)).until(() -> notices().size() == 2);
    assertThat(notices()).containsExactly("degraded", "healthy");
    assertThat(publishAndSeeSeq(0)).isTrue();
    assertThat(broadcaster.outboxSize()).isZero();

    // Redis came back empty: a new history, so a client resyncing from the old one is told
    RecordingConnection resyncing = new RecordingConnection("ws-events-resyncing");
    ResyncAck ack =
        broadcaster.resync(
            registry.register("events", resyncing),
            new ResyncRequest("events", before.seq(), before.epoch()));
    assertThat(ack.epoch()).isNotEqualTo(before.epoch());
    assertThat(ack.recovered()).isFalse();
  }

  @Test
  void aHungRedisIsNoticedAndPublishesNeverWaitPastTheTimeout() throws Exception {
    server.pause();
    try {
      long start = System.nanoTime();
      CompletableFuture<Void> sent =
          transport.publish("security_events", "x").toCompletableFuture();
      Duration returned = Duration.ofNanos(System.nanoTime() - start);
      Throwable failure =
          sent.handle(
                  (ignored, error) -> error instanceof CompletionException c ? c.getCause() : error)
              .get();
      Duration failed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(returned).as("the caller is never blocked").isLessThan(Duration.ofMillis(100));
      assertThat(failure)
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("no answer within");
      assertThat(failed).isLessThan(COMMAND_TIMEOUT.plusMillis(400));

      await().atMost(Duration.ofSeconds(20)).until(broadcaster::isDegraded);
      PublishReceipt local = broadcaster.publish(event(200)).toCompletableFuture().get();
      assertThat(local.localOnly()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> ids().contains(200L));
    } finally {
      server.resume();
    }

    await().atMost(Duration.ofSeconds(15)).until(() -> !broadcaster.isDegraded());
    assertThat(publishAndSeeSeq(0)).isTrue();
  }

  @Test
  void theSubscriberNoticesADeadConnectionWithinThePingTimeout() throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    transport
        .subscribe(
            "watch",
            new TransportListener() {
              @Override
              public void onMessage(TransportMessage message) {}

              @Override
              public void onFailure(Throwable cause) {
                failures.add(cause);
              }
            })
        .confirmed()
        .toCompletableFuture()
        .join();

    server.pause();
    long start = System.nanoTime();
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
    } finally {
      server.resume();
    }

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    assertThat(failures).hasSize(1);
  }
}
