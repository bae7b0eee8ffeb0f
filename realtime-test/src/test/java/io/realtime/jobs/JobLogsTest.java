package io.realtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.CloseReason;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.test.FlakyTransport;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Job logs (original §1.14): emitter helpers, job ids, backlog then live tail, job_end. */
class JobLogsTest extends JobLogTestBase {

  private List<Envelope> lines(String jobId) {
    return transport.since(JobIds.logChannel(jobId), 0).messages().stream()
        .map(m -> (Envelope) CODEC.decode(m.payload()))
        .toList();
  }

  @Test
  void aLineIsALogMessageWithAnUpperCaseLevel() {
    assertThat(
            emitter
                .emit("job-1", "warning", "Disk almost full", Map.of("free_gb", 2))
                .toCompletableFuture()
                .join())
        .isTrue();

    LogEntry entry = lines("job-1").get(0).dataAs(LogEntry.class);
    assertThat(entry)
        .isEqualTo(new LogEntry(time.now(), "WARNING", "Disk almost full", Map.of("free_gb", 2)));
    assertThat(emitter.emitCount()).isEqualTo(1);
  }

  @Test
  void lifecycleHelpersWriteTheOriginalsLines() {
    emitter.started("job-2", "export", Map.of("camera", "front_door"));
    emitter.progress("job-2", 40, "Encoding", 4, 10);
    emitter.progress("job-2", 50, null, null, null);
    emitter
        .completed("job-2", Map.of("files", 3), Duration.ofMillis(12_345))
        .toCompletableFuture()
        .join();

    List<Envelope> lines = lines("job-2");
    assertThat(lines)
        .extracting(Envelope::type)
        .containsExactly("log", "log", "log", "log", "job_end");
    List<LogEntry> entries =
        lines.subList(0, 4).stream().map(e -> e.dataAs(LogEntry.class)).toList();
    assertThat(entries)
        .extracting(LogEntry::message)
        .containsExactly(
            "Job started: export",
            "Encoding: 40%",
            "Progress: 50%",
            "Job completed successfully in 12.3s");
    assertThat(entries.get(0).context())
        .isEqualTo(Map.of("job_type", "export", "metadata", Map.of("camera", "front_door")));
    assertThat(entries.get(1).context())
        .isEqualTo(
            Map.of(
                "progress_percent",
                40,
                "current_step",
                "Encoding",
                "items_processed",
                4,
                "items_total",
                10));
    assertThat(entries.get(2).context()).isEqualTo(Map.of("progress_percent", 50));
    Map<String, Object> completed = new LinkedHashMap<>();
    completed.put("status", "completed");
    completed.put("result", Map.of("files", 3));
    completed.put("duration_seconds", 12.345);
    assertThat(entries.get(3).context()).isEqualTo(completed);
    assertThat(lines.get(4).dataAs(JobEnd.class)).isEqualTo(new JobEnd("completed"));
  }

  @Test
  void aFailureIsAnErrorLineThenJobEnd() {
    emitter.failed("job-3", "GPU out of memory", "OOM", true).toCompletableFuture().join();

    List<Envelope> lines = lines("job-3");
    LogEntry entry = lines.get(0).dataAs(LogEntry.class);
    assertThat(entry.level()).isEqualTo("ERROR");
    assertThat(entry.message()).isEqualTo("Job failed: GPU out of memory");
    assertThat(entry.context())
        .isEqualTo(
            Map.of(
                "status",
                "failed",
                "error",
                "GPU out of memory",
                "error_code",
                "OOM",
                "retryable",
                true));
    assertThat(lines.get(1).dataAs(JobEnd.class).status()).isEqualTo("failed");
  }

  @Test
  void completedWithoutDurationSaysSoPlainly() {
    emitter.completed("job-4", null, null).toCompletableFuture().join();

    assertThat(lines("job-4").get(0).dataAs(LogEntry.class).message())
        .isEqualTo("Job completed successfully");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "../etc", "job:1", "a b", "job*", "[x]", "-leading", "é"})
  void badJobIdsAreRefusedWithTheValue(String jobId) {
    assertThatThrownBy(() -> emitter.emit(jobId, "INFO", "x", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid job id '" + jobId + "'");
  }

  @Test
  void jobIdsAreBounded() {
    assertThat(JobIds.isValid("a".repeat(128))).isTrue();
    assertThat(JobIds.isValid("a".repeat(129))).isFalse();
    assertThat(JobIds.isValid("550e8400-e29b-41d4-a716-446655440000")).isTrue();
    assertThat(JobIds.isValid(null)).isFalse();
    assertThatThrownBy(() -> JobIds.requireValid("x".repeat(500))).hasMessageContaining("...'");
    assertThat(JobIds.logChannel("abc")).isEqualTo("job:abc:logs");
  }

  @Test
  void aClientConnectingMidJobGetsTheBacklogThenTheLiveTailThenTheEnd() {
    for (int i = 1; i <= 3; i++) {
      emitter.emit("job-5", "INFO", "line " + i, null);
    }
    RecordingConnection client = new RecordingConnection("ws-job-logs-job-5-1");
    RegisteredConnection registered = registry.register("job:job-5", client);

    JobLogTail tail = JobLogTail.attach(transport, "job-5", registered, CODEC);
    emitter.emit("job-5", "INFO", "line 4", null);
    emitter.completed("job-5", null, null);

    assertThat(client.awaitClose(WAIT)).isEqualTo(JobLogTail.JOB_FINISHED);
    List<Envelope> view = received(client);
    assertThat(view).extracting(Envelope::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(view.subList(0, 4))
        .extracting(e -> e.dataAs(LogEntry.class).message())
        .containsExactly("line 1", "line 2", "line 3", "line 4");
    assertThat(view.get(5).type()).isEqualTo("job_end");
    assertThat(tail.isEnded()).isTrue();
  }

  @Test
  void twoApplicationsSharingABackboneKeepTheirJobLogsApartWithTheirOwnChannelPattern() {
    try (JobLogEmitter app1 =
            JobLogEmitter.builder(transport)
                .codec(CODEC)
                .timeSource(time)
                .logChannel("app1:job:{id}:logs")
                .build();
        JobLogEmitter app2 =
            JobLogEmitter.builder(transport).codec(CODEC).timeSource(time).build()) {
      RecordingConnection viewer = new RecordingConnection("app1-viewer");
      JobLogTail.attach(app1, "job-1", registry.register("job:job-1", viewer));

      app2.emit("job-1", "INFO", "app2's line", null).toCompletableFuture().join();
      app1.emit("job-1", "INFO", "app1's line", null);
      app1.completed("job-1", null, null);

      assertThat(viewer.awaitClose(WAIT)).isEqualTo(JobLogTail.JOB_FINISHED);
      assertThat(received(viewer))
          .filteredOn(e -> e.type().equals("log"))
          .extracting(e -> e.dataAs(LogEntry.class).message())
          .containsExactly("app1's line", "Job completed successfully");
      assertThat(app1.logChannel("job-1")).isEqualTo("app1:job:job-1:logs");
      assertThat(transport.since("app1:job:job-1:logs", 0).messages()).hasSize(3);
      assertThat(history(transport, "job-1")).containsExactly("app2's line");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"job:logs", "job:{id}:{id}", "job {id}", " ", "{app}:job:{id}"})
  void aLogChannelPatternWithoutExactlyOneIdIsRefusedByName(String pattern) {
    assertThatThrownBy(() -> JobLogEmitter.builder(transport).logChannel(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "logChannel must contain {id} exactly once and no whitespace nor other brace, got '"
                + pattern
                + "'");
  }

  @Test
  void aClientOfAFinishedJobGetsEverythingAndIsClosed() {
    emitter.emit("job-6", "INFO", "only line", null);
    emitter.failed("job-6", "boom", null, false).toCompletableFuture().join();
    RecordingConnection client = new RecordingConnection("late");

    JobLogTail.attach(transport, "job-6", registry.register("job:job-6", client), CODEC);

    assertThat(client.awaitClose(WAIT)).isEqualTo(new CloseReason(1000, "Job finished"));
    assertThat(received(client))
        .extracting(Envelope::type)
        .containsExactly("log", "log", "job_end");
  }

  @Test
  void eachJobKeepsABoundedBacklog() {
    InMemoryTransport small = InMemoryTransport.withHistorySize(1_000);
    JobLogEmitter busy = new JobLogEmitter(small, CODEC, time);
    try {
      for (int i = 1; i <= 1_005; i++) {
        busy.emit("job-7", "INFO", "line " + i, null);
      }
      RecordingConnection client = new RecordingConnection("c");
      JobLogTail.attach(small, "job-7", registry.register("job:job-7", client), CODEC);

      await().atMost(WAIT).until(() -> client.texts().size() == 1_000);
      assertThat(received(client).get(0).dataAs(LogEntry.class).message()).isEqualTo("line 6");
    } finally {
      small.close();
    }
  }

  @Test
  void aTransportFailureIsCountedNotThrown() {
    FlakyTransport flaky = new FlakyTransport(transport);
    JobLogEmitter failing = new JobLogEmitter(flaky, CODEC, time);
    flaky.fail();

    assertThat(failing.emit("job-8", "INFO", "x", null).toCompletableFuture().join()).isFalse();
    assertThat(failing.emitErrors()).isEqualTo(1);
    assertThat(failing.emitCount()).isZero();
  }

  @Test
  void aBrokenStreamClosesTheClientSoItReconnects() {
    FlakyTransport flaky = new FlakyTransport(transport);
    RecordingConnection client = new RecordingConnection("c");
    JobLogTail.attach(flaky, "job-9", registry.register("job:job-9", client), CODEC);

    flaky.fail();

    assertThat(client.awaitClose(WAIT)).isEqualTo(JobLogTail.STREAM_UNAVAILABLE);
    assertThat(JobLogTail.STREAM_UNAVAILABLE.code()).isEqualTo(1013);
  }

  @Test
  void progressIsValidated() {
    assertThatThrownBy(() -> emitter.progress("job-10", 101, null, null, null))
        .hasMessageContaining("got 101");
  }
}
