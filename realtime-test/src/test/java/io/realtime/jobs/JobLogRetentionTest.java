package io.realtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ForwardingTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamPosition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Job streams expire (issue 15.4): a day after their last line, an hour after job_end. */
class JobLogRetentionTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = InMemoryTransport.builder().timeSource(time).build();
  private final List<Duration> retentions = new CopyOnWriteArrayList<>();
  private final FlakyTransport flaky =
      new FlakyTransport(
          new ForwardingTransport(backbone) {
            @Override
            public CompletionStage<StreamPosition> append(
                String channel, String payload, String messageId, Duration retention) {
              retentions.add(retention);
              return super.append(channel, payload, messageId, retention);
            }
          });
  private JobLogEmitter emitter;

  @AfterEach
  void tearDown() {
    if (emitter != null) {
      emitter.close();
    }
    backbone.close();
  }

  private boolean exists(String jobId) {
    return backbone.since(JobIds.logChannel(jobId), 0).exists();
  }

  @Test
  void linesKeepTheStreamADayAndJobEndAnHourByDefault() {
    emitter = JobLogEmitter.builder(flaky).timeSource(time).scheduler(time).build();

    emitter.emit("job-1", "INFO", "working", null).toCompletableFuture().join();
    time.advance(Duration.ofHours(23));
    assertThat(exists("job-1")).isTrue();
    emitter.completed("job-1", null, null).toCompletableFuture().join();
    time.advance(Duration.ofMinutes(59));
    assertThat(exists("job-1")).isTrue();
    time.advance(Duration.ofMinutes(2));

    assertThat(exists("job-1")).isFalse();
    assertThat(retentions)
        .containsExactly(Duration.ofHours(24), Duration.ofHours(24), Duration.ofHours(1));
  }

  @Test
  void aJobThatStopsEmittingWithoutEndingGoesADayAfterItsLastLine() {
    emitter = JobLogEmitter.builder(flaky).timeSource(time).scheduler(time).build();
    emitter.emit("job-2", "INFO", "stuck", null).toCompletableFuture().join();

    time.advance(Duration.ofHours(24).plusSeconds(1));

    assertThat(exists("job-2")).isFalse();
    assertThat(backbone.channelCount()).isZero();
  }

  @Test
  void theRetentionsAreConfigurableAndKeptByTheOutbox() {
    emitter =
        JobLogEmitter.builder(flaky)
            .timeSource(time)
            .scheduler(time)
            .lineRetention(Duration.ofHours(2))
            .endRetention(Duration.ofMinutes(10))
            .build();
    flaky.fail();
    emitter.failed("job-3", "boom", null, false);
    flaky.heal();
    time.advance(Duration.ofSeconds(1)); // the outbox flush

    assertThat(backbone.since(JobIds.logChannel("job-3"), 0).messages()).hasSize(2);
    assertThat(retentions).containsExactly(Duration.ofHours(2), Duration.ofMinutes(10));
    time.advance(Duration.ofMinutes(10).plusSeconds(1));
    assertThat(exists("job-3")).isFalse();
  }

  @Test
  void aViewerOfAJobWhoseStreamExpiredAndCameBackIsNotClosed() {
    emitter = JobLogEmitter.builder(flaky).timeSource(time).scheduler(time).build();
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    try {
      RecordingConnection client = new RecordingConnection("viewer");
      JobLogTail tail =
          JobLogTail.attach(
              emitter, "job-4", registry.register(JobIds.logChannel("job-4"), client));
      await().atMost(WAIT).until(tail::isBacklogSent); // an empty backlog: no such job yet
      emitter.emit("job-4", "INFO", "first life", null).toCompletableFuture().join();
      await().atMost(WAIT).until(() -> client.texts().size() == 1);
      time.advance(Duration.ofHours(24).plusSeconds(1)); // the stream expires

      flaky.fail(); // the subscription breaks; the viewer resubscribes and catches up on nothing
      flaky.heal();
      time.advance(Duration.ofSeconds(1));
      await().atMost(WAIT).until(() -> flaky.activeSubscriptions() == 1);
      emitter.emit("job-4", "INFO", "second life", null).toCompletableFuture().join();

      await().atMost(WAIT).until(() -> client.texts().size() == 2);
      assertThat(JobLogTestBase.view(client)).containsExactly("first life@1", "second life@1");
      assertThat(client.closeReason()).isNull();
    } finally {
      registry.shutdown(Duration.ofMillis(200)).join();
    }
  }

  @Test
  void theRetentionsAreValidated() {
    assertThatThrownBy(() -> JobLogEmitter.builder(backbone).lineRetention(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lineRetention")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> JobLogEmitter.builder(backbone).endRetention(Duration.ofHours(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endRetention")
        .hasMessageContaining("PT-1H");
    assertThatThrownBy(() -> JobLogEmitter.builder(backbone).lineRetention(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("lineRetention");
  }
}
