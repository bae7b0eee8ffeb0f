package io.realtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.OutboundLimits;
import io.realtime.message.Envelope;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.test.ForwardingTransport;
import io.realtime.test.RecordingConnection;
import io.realtime.test.RecordingConnection.Mode;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportSubscription;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Job logs under load and faults (issue 14): the backlog goes out as a flow-controlled burst, an
 * oversized line is refused at emit, a hole closes the viewer with 1013 so it reconnects, and raw
 * messages of an outside producer reach the viewer.
 */
class JobLogDeliveryTest extends JobLogTestBase {

  private JobLogTail attach(Transport backbone, String jobId, RecordingConnection client) {
    return JobLogTail.attach(
        backbone, jobId, registry.register(JobIds.logChannel(jobId), client), CODEC);
  }

  // --- 14.7: bursts and oversized lines ---

  @Test
  void aThousandLineBacklogReachesAClientReadingOneFrameEvery2Ms() {
    String padding = "x".repeat(1_030);
    for (int i = 1; i <= 1_000; i++) {
      emitter.emit("big-backlog", "INFO", i + " " + padding, null);
    }
    RecordingConnection client =
        new RecordingConnection(
            "viewer", Mode.ASYNC, CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS));

    attach(transport, "big-backlog", client);

    await()
        .atMost(WAIT)
        .until(() -> client.texts().size() == 1_000 || client.closeReason() != null);
    assertThat(client.closeReason()).isNull();
    assertThat(client.texts().get(0).length()).isGreaterThan(1_100);
    assertThat(received(client))
        .extracting(Envelope::seq)
        .isSorted()
        .doesNotHaveDuplicates()
        .hasSize(1_000);
  }

  @Test
  void aLineLargerThanTheConnectionByteBoundIsRefusedAtEmit() {
    String huge = "x".repeat(1_100_000);

    assertThatThrownBy(() -> emitter.emit("huge", "INFO", huge, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1100")
        .hasMessageContaining(String.valueOf(OutboundLimits.DEFAULT.maxBytes()));
    assertThat(transport.since(JobIds.logChannel("huge"), 0).messages()).isEmpty();
  }

  @Test
  void viewersOfAJobWhoseHugeLineWasRefusedAreServedNormally() {
    emitter.emit("huge-2", "INFO", "before", null);
    assertThatThrownBy(() -> emitter.emit("huge-2", "INFO", "x".repeat(1_100_000), null))
        .isInstanceOf(IllegalArgumentException.class);
    emitter.emit("huge-2", "INFO", "after", null);

    for (int viewer = 0; viewer < 2; viewer++) {
      RecordingConnection client = new RecordingConnection("viewer-" + viewer);
      attach(transport, "huge-2", client);
      await().atMost(WAIT).until(() -> client.texts().size() == 2);
      assertThat(client.closeReason()).isNull();
    }
  }

  @Test
  void theByteBoundOfTheEmitterIsConfigurable() {
    JobLogEmitter small = JobLogEmitter.builder(transport).maxMessageBytes(2_000).build();

    assertThat(small.emit("small", "INFO", "x".repeat(1_000), null).toCompletableFuture().join())
        .isTrue();
    assertThatThrownBy(() -> small.emit("small", "INFO", "x".repeat(2_000), null))
        .hasMessageContaining("2000");
  }

  // --- 14.3: holes ---

  /**
   * The backbone, whose history reads fail from {@link #failReads} on and whose subscriptions lose
   * the messages containing {@link #dropLive}.
   */
  private static final class FailingReads extends ForwardingTransport {
    private volatile boolean failReads;
    private volatile String dropLive = "nothing is lost";

    FailingReads(Transport delegate) {
      super(delegate);
    }

    @Override
    public StreamHistory since(String channel, long offset) {
      if (failReads) {
        throw new TransportException("history read failed (simulated)", null);
      }
      return super.since(channel, offset);
    }

    @Override
    public TransportSubscription subscribe(String channel, TransportListener listener) {
      return super.subscribe(
          channel,
          message -> {
            if (!message.payload().contains(dropLive)) {
              listener.onMessage(message);
            }
          });
    }
  }

  @Test
  void aBacklogThatCannotBeReadClosesTheViewerWith1013() {
    emitter.emit("no-backlog", "INFO", "line 1", null);
    FailingReads backbone = new FailingReads(transport);
    backbone.failReads = true;
    RecordingConnection client = new RecordingConnection("viewer");

    attach(backbone, "no-backlog", client);

    assertThat(client.awaitClose(WAIT)).isEqualTo(JobLogTail.STREAM_UNAVAILABLE);
    assertThat(client.texts()).isEmpty();
  }

  @Test
  void aGapThatCannotBeFilledClosesTheViewerWith1013() {
    emitter.emit("gap", "INFO", "line 1", null);
    FailingReads backbone = new FailingReads(transport);
    RecordingConnection client = new RecordingConnection("viewer");
    attach(backbone, "gap", client);
    await().atMost(WAIT).until(() -> client.texts().size() == 1);

    backbone.dropLive = "lost on the way";
    backbone.failReads = true;
    emitter.emit("gap", "INFO", "line 2 (lost on the way)", null);
    emitter.emit("gap", "INFO", "line 3", null);

    assertThat(client.awaitClose(WAIT)).isEqualTo(JobLogTail.STREAM_UNAVAILABLE);
    assertThat(received(client)).extracting(Envelope::seq).containsExactly(1L);
  }

  @Test
  void aTrimmedBacklogIsNoHole() {
    InMemoryTransport small = InMemoryTransport.withHistorySize(10);
    try {
      JobLogEmitter busy = new JobLogEmitter(small, CODEC, time);
      for (int i = 1; i <= 15; i++) {
        busy.emit("trimmed", "INFO", "line " + i, null);
      }
      RecordingConnection client = new RecordingConnection("viewer");
      attach(small, "trimmed", client);
      busy.emit("trimmed", "INFO", "line 16", null);

      await().atMost(WAIT).until(() -> client.texts().size() == 11);
      assertThat(client.closeReason()).isNull();
      assertThat(received(client)).extracting(Envelope::seq).startsWith(6L).endsWith(16L);
    } finally {
      small.close();
    }
  }

  // --- 14.9: raw messages of an outside producer ---

  private static String rawLog(String message) {
    return CODEC.encode(Envelope.log(new LogEntry(Instant.EPOCH, "INFO", message, null)));
  }

  @Test
  void aRawLogPublishedByAnOutsideProducerReachesTheViewerWithoutSeq() {
    emitter.emit("raw", "INFO", "framed", null);
    RecordingConnection client = new RecordingConnection("viewer");
    attach(transport, "raw", client);
    await().atMost(WAIT).until(() -> client.texts().size() == 1);

    transport.publish(JobIds.logChannel("raw"), "{not json");
    transport.publish(JobIds.logChannel("raw"), rawLog("from outside"));
    emitter.emit("raw", "INFO", "framed again", null);

    await().atMost(WAIT).until(() -> client.texts().size() == 3);
    List<Envelope> view = received(client);
    assertThat(view)
        .extracting(e -> e.dataAs(LogEntry.class).message())
        .containsExactly("framed", "from outside", "framed again");
    assertThat(view.get(1).seq()).isNull();
    assertThat(client.texts().get(1)).isEqualTo(rawLog("from outside"));
    assertThat(view.get(2).seq()).isEqualTo(2L);
  }

  @Test
  void aRawJobEndEndsTheStream() {
    RecordingConnection client = new RecordingConnection("viewer");
    JobLogTail tail = attach(transport, "raw-end", client);

    transport.publish(JobIds.logChannel("raw-end"), rawLog("working"));
    transport.publish(
        JobIds.logChannel("raw-end"), CODEC.encode(Envelope.jobEnd(new JobEnd("completed"))));

    assertThat(client.awaitClose(WAIT)).isEqualTo(JobLogTail.JOB_FINISHED);
    assertThat(received(client)).extracting(Envelope::type).containsExactly("log", "job_end");
    assertThat(tail.isEnded()).isTrue();
  }
}
