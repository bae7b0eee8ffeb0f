package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.RecordingConnection;
import io.realtime.test.RecordingConnection.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many publishers, many connections, one connection that stopped reading: the others get everything
 * in order, the stalled one is closed with 1013, and its queue never grows past the bound.
 */
class ConnectionRegistryConcurrencyTest {

  private static final int PUBLISHERS = 4;
  private static final int EVENTS_PER_PUBLISHER = 1_500;
  private static final int HEALTHY = 40;
  private static final int LIMIT = 1_000;

  private final ExecutorService completions = Executors.newFixedThreadPool(2);
  private final ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();

  @AfterEach
  void tearDown() {
    registry.shutdown(Duration.ofMillis(200)).join();
    publishers.shutdownNow();
    completions.shutdownNow();
  }

  @Test
  void aStalledConnectionIsClosedWhileEveryOtherGetsEverythingInOrder() throws Exception {
    List<RecordingConnection> healthy = new ArrayList<>();
    List<RegisteredConnection> registeredHealthy = new ArrayList<>();
    for (int i = 0; i < HEALTHY; i++) {
      RecordingConnection connection =
          new RecordingConnection(
              "healthy-" + i, i % 2 == 0 ? Mode.ASYNC : Mode.IMMEDIATE, completions);
      healthy.add(connection);
      registeredHealthy.add(registry.register("events", connection));
    }
    RecordingConnection stalled = new RecordingConnection("stalled", Mode.STALLED, completions);
    RegisteredConnection registeredStalled = registry.register("events", stalled);

    AtomicInteger maxStalledPending = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      String publisher = "p" + p;
      running.add(
          publishers.submit(
              () -> {
                start.await();
                for (int n = 1; n <= EVENTS_PER_PUBLISHER; n++) {
                  registry.broadcast("events", event(publisher, n));
                  maxStalledPending.accumulateAndGet(
                      registeredStalled.pendingMessages(), Math::max);
                  if (n % 100 == 0) {
                    // Healthy clients read as fast as the test machine lets them; pace the
                    // publishers so that they, unlike the stalled one, stay under the bound.
                    await()
                        .atMost(Duration.ofSeconds(30))
                        .until(
                            () ->
                                registeredHealthy.stream()
                                    .allMatch(c -> c.pendingMessages() < 300));
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> publisher : running) {
      publisher.get(60, TimeUnit.SECONDS);
    }

    int total = PUBLISHERS * EVENTS_PER_PUBLISHER;
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> healthy.stream().allMatch(c -> c.texts().size() == total));
    for (RecordingConnection connection : healthy) {
      assertThat(connection.closeReason()).as(connection.id()).isNull();
      assertThat(connection.maxConcurrentSends()).as(connection.id()).isEqualTo(1);
      assertEachPublisherInOrder(connection);
    }

    assertThat(stalled.awaitClose(Duration.ofSeconds(10))).isEqualTo(CloseReason.SLOW_CONSUMER);
    assertThat(maxStalledPending.get()).isLessThanOrEqualTo(LIMIT);
    assertThat(registeredStalled.pendingMessages()).isZero();
    assertThat(registry.find("stalled")).isEmpty();
    assertThat(registry.count("events")).isEqualTo(HEALTHY);
  }

  private static void assertEachPublisherInOrder(RecordingConnection connection) {
    Map<String, Integer> next = new HashMap<>();
    for (String text : connection.texts()) {
      String publisher = field(text, "\"camera_id\":\"", '"');
      int n = Integer.parseInt(field(text, "\"id\":", ','));
      int expected = next.getOrDefault(publisher, 1);
      assertThat(n).as("%s: next event of %s", connection.id(), publisher).isEqualTo(expected);
      next.put(publisher, expected + 1);
    }
    assertThat(next.values()).containsOnly(EVENTS_PER_PUBLISHER + 1);
  }

  private static String field(String text, String prefix, char end) {
    int start = text.indexOf(prefix) + prefix.length();
    return text.substring(start, text.indexOf(end, start));
  }

  private static Envelope event(String publisher, int n) {
    return Envelope.event(
        SecurityEvent.of(n, n, "batch", publisher, 40, RiskLevel.LOW, "event " + n, null));
  }
}
