package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.test.HeapReadings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry keeps for each idle connection: one that has received a message and sent it,
 * and now waits. Its queue, filter and bookkeeping are allocated for the connection's whole life,
 * so they are what 20,000 connections cost beyond the container's own.
 */
class IdleConnectionFootprintTest {

  private static final Logger log = LoggerFactory.getLogger(IdleConnectionFootprintTest.class);

  private static final int CONNECTIONS = 20_000;
  private static final int BURST_CONNECTIONS = 10_000;
  private static final int BURST = 200;

  /**
   * The registry's share per idle connection, the test double excluded: the connection's record
   * (104 bytes), its completion future, lock, writer task and send continuation (88), its filter
   * (24), its empty queue with the small array it keeps (112) and its entries in the id and channel
   * maps (about 80): about 400 bytes, with nothing allocated for verdicts or latest values it does
   * not use. It was 765 when every filter had its own verdict map and every queue a 16-slot array
   * and a map for latest values.
   */
  private static final long MAX_BYTES_PER_CONNECTION = 440;

  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();

  @AfterEach
  void tearDown() {
    registry.shutdown(Duration.ofMillis(100));
  }

  @Test
  void anIdleConnectionThatHasReceivedAMessageHoldsLittleHeap() {
    LongAdder sent = new LongAdder();
    EncodedMessage message = EncodedMessage.ofText("event", "{\"type\":\"event\"}", null, null);
    List<Connection> doubles = new ArrayList<>(CONNECTIONS);
    for (int i = 0; i < CONNECTIONS; i++) {
      doubles.add(new NoOpConnection(i, sent));
    }
    // One connection first, so that classes and the registry's own tables are not counted.
    registry.register("warm-up", new NoOpConnection(-1, sent));
    registry.broadcast("warm-up", message);
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.sum() == 1);
    long before = HeapReadings.usedAfterGc();

    for (Connection connection : doubles) {
      registry.register("events", connection);
    }
    registry.broadcast("events", message);
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.sum() == CONNECTIONS + 1);
    long perConnection = (HeapReadings.usedAfterGc() - before) / CONNECTIONS;
    log.info(
        "{} idle connections: {} bytes of heap each in the registry", CONNECTIONS, perConnection);

    assertThat(perConnection).isLessThanOrEqualTo(MAX_BYTES_PER_CONNECTION);
    assertThat(registry.count("events")).isEqualTo(CONNECTIONS);
  }

  @Test
  void aConnectionThatHasSentABurstLetsItsQueueShrinkAgain() {
    LongAdder sent = new LongAdder();
    List<EncodedMessage> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(EncodedMessage.ofText("event", "{\"type\":\"event\"}", (long) i, "e"));
    }
    List<Connection> doubles = new ArrayList<>(BURST_CONNECTIONS);
    for (int i = 0; i < BURST_CONNECTIONS; i++) {
      doubles.add(new NoOpConnection(i, sent));
    }
    registry.register("warm-up", new NoOpConnection(-1, sent)).sendBurst(burst);
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.sum() == BURST);
    long before = HeapReadings.usedAfterGc();

    for (Connection connection : doubles) {
      // Queued while the writer is busy with the first message, so the queue holds the burst.
      registry.register("events", connection).sendBurst(burst);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sent.sum() == (long) BURST * (BURST_CONNECTIONS + 1));
    long perConnection = (HeapReadings.usedAfterGc() - before) / BURST_CONNECTIONS;
    log.info(
        "{} connections after a burst of {}: {} bytes of heap each in the registry",
        BURST_CONNECTIONS,
        BURST,
        perConnection);

    assertThat(perConnection).isLessThanOrEqualTo(MAX_BYTES_PER_CONNECTION);
  }

  /**
   * A connection that completes every send at once; allocated before the measurement, with its
   * attributes shared, so that it adds nothing to what is measured.
   */
  private static final class NoOpConnection implements Connection {

    private static final Map<String, Object> ATTRIBUTES = new ConcurrentHashMap<>();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final String id;
    private final LongAdder sent;

    NoOpConnection(int number, LongAdder sent) {
      this.id = "c" + number;
      this.sent = sent;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Map<String, Object> attributes() {
      return ATTRIBUTES;
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
      sent.increment();
      return DONE;
    }

    @Override
    public void close(CloseReason reason) {}
  }
}
