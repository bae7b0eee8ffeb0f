package io.realtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.MessageCodec;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.ReadRecordingTransport;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A viewer's attach on an asynchronous backbone (issue 15.2): it returns at once, reads nothing on
 * the caller's thread, sends the backlog once the subscription is confirmed, on the emitter's
 * bounded backlog threads, and closes the viewer with 1013 if no confirmation comes.
 */
class JobLogTailConfirmationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final MessageCodec CODEC = MessageCodec.json();

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = InMemoryTransport.create();
  private final ReadRecordingTransport reads = new ReadRecordingTransport(backbone);
  private final FlakyTransport flaky = new FlakyTransport(reads);
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final JobLogEmitter emitter =
      JobLogEmitter.builder(flaky)
          .timeSource(time)
          .scheduler(time)
          .backlogThreads(2)
          .confirmationTimeout(TIMEOUT)
          .build();

  @AfterEach
  void tearDown() {
    registry.shutdown(Duration.ofMillis(200)).join();
    emitter.close();
    backbone.close();
  }

  private RecordingConnection viewer(String jobId) {
    RecordingConnection client = new RecordingConnection("viewer-" + jobId);
    JobLogTail.attach(emitter, jobId, registry.register(JobIds.logChannel(jobId), client));
    return client;
  }

  private void emit(String jobId, String line) {
    emitter.emit(jobId, "INFO", line, null).toCompletableFuture().join();
  }

  @Test
  void attachReturnsAtOnceAndTheBacklogFollowsTheConfirmationOffTheCallersThread() {
    flaky.holdConfirmations();
    emit("held", "one");
    emit("held", "two");

    RecordingConnection client = viewer("held");

    assertThat(reads.reads()).as("nothing read on the attaching thread").isZero();
    emit("held", "three"); // before the confirmation: only the backlog can give it
    flaky.releaseConfirmations();
    emit("held", "four"); // after: live
    await().atMost(WAIT).until(() -> client.texts().size() == 4);
    assertThat(JobLogTestBase.view(client)).containsExactly("one@1", "two@2", "three@3", "four@4");
    assertThat(reads.readerThreads())
        .allMatch(name -> name.startsWith("realtime-job_logs-backlog-"));
    assertThat(client.closeReason()).isNull();
  }

  @Test
  void aFailedConfirmationClosesTheViewerWith1013AndAClearReason() {
    flaky.holdConfirmations();
    RecordingConnection client = viewer("refused");
    flaky.fail();

    CloseReason reason = client.awaitClose(WAIT);

    assertThat(reason).isEqualTo(JobLogTail.BACKBONE_UNAVAILABLE);
    assertThat(reason.code()).isEqualTo(CloseReason.TRY_AGAIN_LATER);
    assertThat(reason.reason()).isEqualTo("Job log backbone unavailable; reconnect later");
    assertThat(reads.reads()).isZero();
  }

  @Test
  void aConfirmationThatDoesNotComeInTimeClosesTheViewerWith1013() {
    flaky.holdConfirmations();
    RecordingConnection client = viewer("slow");
    time.advance(TIMEOUT.minusMillis(1));
    assertThat(client.closeReason()).isNull();

    time.advance(Duration.ofMillis(1));

    assertThat(client.awaitClose(WAIT)).isEqualTo(JobLogTail.BACKBONE_UNAVAILABLE);
    assertThat(flaky.pendingConfirmations()).as("its subscription was dropped").isZero();
    flaky.releaseConfirmations();
    assertThat(reads.reads()).isZero();
  }

  @Test
  void aViewerThatLeftBeforeTheConfirmationReadsNothing() {
    flaky.holdConfirmations();
    RecordingConnection client = viewer("gone");
    registry.shutdown(Duration.ofMillis(200)).join();

    flaky.releaseConfirmations();
    time.advance(TIMEOUT);

    assertThat(reads.reads()).isZero();
    assertThat(client.closeReason()).isNotEqualTo(JobLogTail.BACKBONE_UNAVAILABLE);
  }

  @Test
  void aJobThatNeverExistedHasAnEmptyBacklogAndItsViewerWaitsForLines() {
    RecordingConnection client = viewer("never-seen");
    await().atMost(WAIT).until(() -> reads.reads() > 0);
    assertThat(backbone.channelCount()).as("only the viewer's subscription").isEqualTo(1);

    emit("never-seen", "first");
    emit("never-seen", "second");

    await().atMost(WAIT).until(() -> client.texts().size() == 2);
    assertThat(JobLogTestBase.view(client)).containsExactly("first@1", "second@2");
    assertThat(client.closeReason()).isNull();
  }

  @Test
  void manyViewersShareTheFewBacklogThreads() {
    flaky.holdConfirmations();
    List<RecordingConnection> clients = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      emit("many-" + i, "line " + i);
      clients.add(viewer("many-" + i));
    }

    flaky.releaseConfirmations();

    await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.texts().size() == 1));
    assertThat(reads.readerThreads()).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void theBacklogSettingsAreValidated() {
    Transport transport = backbone;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JobLogEmitter.builder(transport).backlogThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backlogThreads")
        .hasMessageContaining("0");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> JobLogEmitter.builder(transport).confirmationTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("confirmationTimeout");
  }
}
