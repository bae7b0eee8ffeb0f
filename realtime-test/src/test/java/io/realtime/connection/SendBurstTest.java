package io.realtime.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.LogEntry;
import io.realtime.test.RecordingConnection;
import io.realtime.test.RecordingConnection.Mode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server-made bursts (a job log's backlog, a resync's replay) go out under flow control and never
 * count as the client being slow; what is sent outside a burst still does (issue 14.7).
 */
class SendBurstTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final MessageCodec CODEC = MessageCodec.json();

  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();

  @AfterEach
  void tearDown() {
    registry.shutdown(Duration.ofMillis(200)).join();
  }

  /** A client that reads one frame every 2 ms. */
  private static RecordingConnection slowReader(String id) {
    return new RecordingConnection(
        id, Mode.ASYNC, CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS));
  }

  /** A log line of about 1.1 KB on the wire, at offset {@code seq}. */
  private static EncodedMessage line(long seq) {
    LogEntry entry = new LogEntry(Instant.EPOCH, "INFO", seq + " " + "x".repeat(1_030), null);
    return EncodedMessage.encode(Envelope.log(entry).withPosition(seq, "epoch-a"), CODEC);
  }

  private static List<EncodedMessage> backlog(int lines) {
    List<EncodedMessage> burst = new ArrayList<>(lines);
    for (long seq = 1; seq <= lines; seq++) {
      burst.add(line(seq));
    }
    return burst;
  }

  private static List<Long> seqs(RecordingConnection client) {
    return client.texts().stream().map(t -> ((Envelope) CODEC.decode(t)).seq()).toList();
  }

  @Test
  void aThousandLineBacklogReachesASlowReaderInOrderWithoutAClose() {
    RecordingConnection client = slowReader("viewer");
    RegisteredConnection registered = registry.register("job:j", client);
    assertThat(line(1).utf8Length()).isGreaterThan(1_100);

    assertThat(registered.sendBurst(backlog(1_000))).isTrue();

    await()
        .atMost(WAIT)
        .until(() -> client.texts().size() == 1_000 || client.closeReason() != null);
    assertThat(client.closeReason()).isNull();
    assertThat(seqs(client)).containsExactlyElementsOf(seqsFrom(1, 1_000));
    assertThat(client.maxConcurrentSends()).isEqualTo(1);
  }

  @Test
  void aBurstIsNotCountedAsPendingAndLaterSendsFollowIt() {
    RecordingConnection client = new RecordingConnection("viewer", Mode.STALLED, Runnable::run);
    RegisteredConnection registered = registry.register("job:j", client);

    assertThat(registered.sendBurst(backlog(2_000))).isTrue();
    assertThat(registered.send(line(2_001))).isTrue();

    assertThat(registered.pendingMessages()).isEqualTo(1);
    assertThat(registered.pendingBytes()).isEqualTo(line(2_001).utf8Length());
    assertThat(registered.isOpen()).isTrue();
    client.resume();
    await().atMost(WAIT).until(() -> client.texts().size() == 2_001);
    assertThat(seqs(client)).containsExactlyElementsOf(seqsFrom(1, 2_001));
    assertThat(registered.pendingMessages()).isZero();
    assertThat(registered.pendingBytes()).isZero();
  }

  @Test
  void aLiveFloodBeyondTheBoundStillClosesANonReadingClient() {
    RecordingConnection client = new RecordingConnection("viewer", Mode.STALLED, Runnable::run);
    RegisteredConnection registered = registry.register("job:j", client);
    registered.sendBurst(backlog(500));

    long sent = 0;
    while (registered.send(line(501 + sent))) {
      sent++;
      assertThat(sent).as("live lines accepted before the bound closed it").isLessThan(2_000);
    }

    assertThat(client.awaitClose(WAIT)).isEqualTo(CloseReason.SLOW_CONSUMER);
    assertThat(sent)
        .as("the burst left the whole bound to live lines")
        .isGreaterThan(OutboundLimits.DEFAULT.maxBytes() / line(2_000).utf8Length() - 2);
  }

  @Test
  void aCloseAfterABurstWaitsAsLongAsTheClientKeepsReading() {
    ConnectionRegistry patient =
        ConnectionRegistry.builder().flushTimeout(Duration.ofMillis(200)).build();
    try {
      RecordingConnection client = slowReader("viewer");
      RegisteredConnection registered = patient.register("job:j", client);
      registered.sendBurst(backlog(300)); // at 2 ms a frame, well past the 200 ms flush timeout

      registered.close(new CloseReason(1000, "Job finished")).toCompletableFuture().join();

      assertThat(client.closeReason()).isEqualTo(new CloseReason(1000, "Job finished"));
      assertThat(seqs(client)).containsExactlyElementsOf(seqsFrom(1, 300));
    } finally {
      patient.shutdown(Duration.ofMillis(200)).join();
    }
  }

  @Test
  void aThirdBurstWhileTwoAreUnreadClosesTheClientAsSlow() {
    // A client that asks for replay after replay without reading any would otherwise hold a whole
    // history per request in memory: bursts are outside the bound only two at a time (a resync
    // may wait behind the one being replayed).
    RecordingConnection client = new RecordingConnection("viewer", Mode.STALLED, Runnable::run);
    RegisteredConnection registered = registry.register("events", client);
    assertThat(registered.sendBurst(backlog(500))).isTrue();
    assertThat(registered.sendBurst(backlog(500))).isTrue();
    assertThat(registered.isOpen()).isTrue();

    assertThat(registered.sendBurst(backlog(500))).isFalse();

    assertThat(client.awaitClose(WAIT)).isEqualTo(CloseReason.SLOW_CONSUMER);
  }

  @Test
  void aBurstAfterTheFirstWasReadIsQueued() {
    RecordingConnection client = new RecordingConnection("viewer");
    RegisteredConnection registered = registry.register("events", client);
    assertThat(registered.sendBurst(backlog(3))).isTrue();
    await().atMost(WAIT).until(() -> client.texts().size() == 3);

    assertThat(registered.sendBurst(backlog(3))).isTrue();

    await().atMost(WAIT).until(() -> client.texts().size() == 6);
    assertThat(registered.isOpen()).isTrue();
  }

  @Test
  void aBurstOnAClosedConnectionIsRefused() {
    RecordingConnection client = new RecordingConnection("viewer");
    RegisteredConnection registered = registry.register("job:j", client);
    registered.abort(CloseReason.SERVER_SHUTDOWN);

    assertThat(registered.sendBurst(backlog(3))).isFalse();
  }

  private static List<Long> seqsFrom(long first, long last) {
    List<Long> seqs = new ArrayList<>();
    for (long seq = first; seq <= last; seq++) {
      seqs.add(seq);
    }
    return seqs;
  }
}
