package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.ResyncAck;
import io.realtime.message.ResyncRequest;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.SystemStatus;
import io.realtime.metrics.MetricSources;
import io.realtime.test.RecordingConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three instances, each with its own transport, sharing one Redis, with clients on each. */
class MultiInstanceIT {

  private static final MessageCodec CODEC = MessageCodec.json();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private RedisServer server;
  private final List<Instance> instances = new ArrayList<>();

  /** One server instance: transport, registry, broadcasters, a client. */
  private static final class Instance implements AutoCloseable {
    final String id;
    final RedisTransport transport;
    final ConnectionRegistry registry = ConnectionRegistry.builder().build();
    final EventBroadcaster events;
    final SystemBroadcaster system;
    final RecordingConnection eventsClient;
    final RecordingConnection systemClient;

    Instance(String id, int port) {
      this.id = id;
      this.transport =
          RedisTransport.create(
              RedisTransportConfig.builder().uri("redis://127.0.0.1:" + port).build());
      this.events = EventBroadcaster.builder(transport, registry).build();
      this.system =
          SystemBroadcaster.builder(transport, registry, MetricSources.none())
              .instanceId(id)
              .interval(Duration.ofMillis(200))
              .build();
      this.eventsClient = new RecordingConnection("ws-events-" + id);
      this.systemClient = new RecordingConnection("ws-system-" + id);
      registry.register("events", eventsClient);
      registry.register("system", systemClient);
      events.start();
      system.start();
    }

    /** Both broadcasters follow Redis: start() returned before the subscriptions were confirmed. */
    boolean isLive() {
      return events.isLive() && system.isLive();
    }

    @Override
    public void close() {
      system.close();
      events.close();
      registry.shutdown(Duration.ofMillis(200)).join();
      transport.close();
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = RedisServer.start();
    for (String id : List.of("a", "b", "c")) {
      instances.add(new Instance(id, server.port()));
    }
    // Seen failing without: an instance not following yet missed the first events of the others
    // and delivered its own first one locally, without seq.
    for (Instance instance : instances) {
      await().atMost(WAIT).until(instance::isLive);
    }
  }

  @AfterEach
  void stop() throws Exception {
    instances.forEach(Instance::close);
    server.close();
  }

  private static Envelope event(long n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "b", "cam-" + n % 3, 30, RiskLevel.LOW, "event " + n, null));
  }

  private static List<Envelope> events(RecordingConnection client) {
    List<Envelope> events = new ArrayList<>();
    for (String text : client.texts()) {
      Message message = CODEC.decode(text);
      if (message instanceof Envelope envelope && envelope.type().equals("event")) {
        events.add(envelope);
      }
    }
    return events;
  }

  private static List<SystemStatus> statuses(RecordingConnection client) {
    return client.texts().stream()
        .map(CODEC::decode)
        .filter(m -> m instanceof Envelope e && e.type().equals("system_status"))
        .map(m -> ((Envelope) m).dataAs(SystemStatus.class))
        .toList();
  }

  @Test
  void everyClientGetsEveryEventOnceInTheSameOrderWithTheSameSeq() throws Exception {
    int total = 60;
    ExecutorService publishers = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        Instance instance = instances.get(p);
        int first = p;
        running.add(
            publishers.submit(
                () -> {
                  for (long n = first + 1; n <= total; n += 3) {
                    instance.events.publish(event(n)).toCompletableFuture().join();
                  }
                  return null;
                }));
      }
      for (Future<?> publisher : running) {
        publisher.get(30, TimeUnit.SECONDS);
      }
    } finally {
      publishers.shutdownNow();
    }

    for (Instance instance : instances) {
      await().atMost(WAIT).until(() -> events(instance.eventsClient).size() >= total);
    }
    List<Envelope> reference = events(instances.get(0).eventsClient);
    assertThat(reference)
        .extracting(Envelope::seq)
        .isEqualTo(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(
            reference.stream()
                .map(e -> e.dataAs(SecurityEvent.class).id())
                .collect(Collectors.toSet()))
        .hasSize(total);
    for (Instance instance : instances) {
      assertThat(events(instance.eventsClient))
          .as("client on %s", instance.id)
          .isEqualTo(reference);
    }
  }

  @Test
  void systemStatusCrossesInstancesAndOwnEchoesAreDropped() {
    for (Instance instance : instances) {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  statuses(instance.systemClient).stream()
                      .map(SystemStatus::instance)
                      .collect(Collectors.toSet())
                      .equals(Set.of("a", "b", "c")));
    }
    instances.forEach(instance -> instance.system.close());

    for (Instance instance : instances) {
      // An echo would repeat a status with the same timestamp. Counts are not compared: status is
      // latest-value, so a newer one may replace an older one still queued for the client.
      List<Instant> own =
          instance.systemClient.texts().stream()
              .map(CODEC::decode)
              .filter(m -> m instanceof Envelope e && e.type().equals("system_status"))
              .map(Envelope.class::cast)
              .filter(e -> e.dataAs(SystemStatus.class).instance().equals(instance.id))
              .map(Envelope::timestamp)
              .toList();
      assertThat(own).as("own statuses of %s", instance.id).doesNotHaveDuplicates().isNotEmpty();
      assertThat(own.size()).isLessThanOrEqualTo(instance.system.performanceHistory().size());
    }
  }

  @Test
  void aClientThatMovesToAnotherInstanceAndResyncsMissesNothing() {
    Instance a = instances.get(0);
    Instance b = instances.get(1);
    Instance c = instances.get(2);
    for (long n = 1; n <= 10; n++) {
      a.events.publish(event(n)).toCompletableFuture().join();
    }
    await().atMost(WAIT).until(() -> events(a.eventsClient).size() == 10);
    Envelope last = events(a.eventsClient).get(9);
    a.registry.unregister(a.eventsClient.id());

    for (long n = 11; n <= 20; n++) {
      b.events.publish(event(n)).toCompletableFuture().join();
    }
    await().atMost(WAIT).until(() -> events(c.eventsClient).size() == 20);
    RecordingConnection moved = new RecordingConnection("ws-events-moved");
    RegisteredConnection onC = c.registry.register("events", moved);
    ResyncAck ack = c.events.resync(onC, new ResyncRequest("events", last.seq(), last.epoch()));
    b.events.publish(event(21)).toCompletableFuture().join();

    assertThat(ack.recovered()).isTrue();
    assertThat(ack.replayedCount()).isEqualTo(10);
    await().atMost(WAIT).until(() -> events(moved).size() == 11);
    assertThat(events(moved))
        .extracting(Envelope::seq)
        .isEqualTo(LongStream.rangeClosed(11, 21).boxed().toList());
  }
}
