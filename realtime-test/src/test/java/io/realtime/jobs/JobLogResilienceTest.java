package io.realtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.MessageCodec;
import io.realtime.test.FlakyTransport;
import io.realtime.test.ForwardingTransport;
import io.realtime.test.ManualTime;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Job logs share the events' resilience (issue 14.2): a breaker, a bounded outbox flushed in order
 * with the same message ids, local delivery and a degraded notice while the backbone is away.
 */
class JobLogResilienceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final MessageCodec CODEC = MessageCodec.json();

  private final ManualTime time = new ManualTime();
  private final InMemoryTransport backbone = InMemoryTransport.create();
  private final FlakyTransport flaky = new FlakyTransport(backbone);
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private JobLogEmitter emitter;

  @AfterEach
  void tearDown() {
    registry.shutdown(Duration.ofMillis(200)).join();
    if (emitter != null) {
      emitter.close();
    }
    backbone.close();
  }

  private JobLogEmitter emitter(Transport transport, int outboxCapacity) {
    emitter =
        JobLogEmitter.builder(transport)
            .timeSource(time)
            .scheduler(time)
            .retryInterval(RETRY)
            .outboxCapacity(outboxCapacity)
            .build();
    return emitter;
  }

  private RecordingConnection viewer(String jobId) {
    RecordingConnection client = new RecordingConnection("viewer-" + jobId);
    JobLogTail tail =
        JobLogTail.attach(emitter, jobId, registry.register(JobIds.logChannel(jobId), client));
    // The backlog is sent off this thread once the subscription is confirmed: the backbone
    // failing before would be a failed first read, not the break these tests make.
    await().atMost(WAIT).until(tail::isBacklogSent);
    return client;
  }

  private static List<String> view(RecordingConnection client) {
    return JobLogTestBase.view(client);
  }

  private List<String> history(String jobId) {
    return JobLogTestBase.history(backbone, jobId);
  }

  private boolean emit(String jobId, String line) {
    return emitter.emit(jobId, "INFO", line, null).toCompletableFuture().join();
  }

  @Test
  void whileTheBackboneIsAwayLinesReachLocalViewersThenTheOutboxIsAppendedInOrderOnce() {
    emitter(flaky, 100);
    RecordingConnection client = viewer("deg");
    assertThat(emit("deg", "before")).isTrue();
    await().atMost(WAIT).until(() -> client.texts().size() == 1);

    flaky.fail();
    assertThat(emit("deg", "a")).isFalse();
    assertThat(emit("deg", "b")).isFalse();
    assertThat(emit("deg", "c")).isFalse();

    await().atMost(WAIT).until(() -> client.texts().size() == 5);
    assertThat(view(client))
        .containsExactly("before@1", "[degraded]", "a@null", "b@null", "c@null");
    assertThat(client.closeReason()).isNull();
    assertThat(emitter.isDegraded()).isTrue();
    assertThat(emitter.degradedNotice()).isPresent();
    assertThat(emitter.outboxSize()).isEqualTo(3);

    flaky.heal();
    assertThat(emit("deg", "d")).as("waits behind the outbox").isFalse();
    time.advance(RETRY);

    assertThat(history("deg")).containsExactly("before", "a", "b", "c", "d");
    assertThat(emitter.outboxSize()).isZero();
    assertThat(emitter.isDegraded()).isFalse();
    await().atMost(WAIT).until(() -> client.texts().size() == 7);
    assertThat(emit("deg", "e")).isTrue();
    await().atMost(WAIT).until(() -> client.texts().size() == 8);
    assertThat(view(client))
        .containsExactly(
            "before@1", "[degraded]", "a@null", "b@null", "c@null", "d@null", "[healthy]", "e@6");
  }

  @Test
  void recoveryIsPromptOnceTheBackboneAnswersAgainNotAfterTheWholeOpenWindow() {
    emitter(flaky, 100);
    flaky.fail();
    emit("prompt", "queued");
    for (int i = 0; i < 20 && emitter.circuitBreaker().state() != CircuitBreaker.State.OPEN; i++) {
      time.advance(RETRY); // each outbox flush fails
    }
    assertThat(emitter.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(emitter.circuitBreaker().remainingOpenTime()).isGreaterThan(Duration.ofSeconds(10));

    flaky.heal();
    time.advance(RETRY); // the tick that probes the backbone and half-opens the breaker
    time.advance(RETRY); // the tick that flushes

    assertThat(emitter.outboxSize()).isZero();
    assertThat(emitter.isDegraded()).isFalse();
    assertThat(history("prompt")).containsExactly("queued");
  }

  @Test
  void aViewerWhoseSubscriptionBrokeCatchesUpOnLinesOfOtherInstances() {
    emitter(flaky, 100);
    RecordingConnection client = viewer("remote");
    flaky.fail();
    JobLogEmitter otherInstance = new JobLogEmitter(backbone, CODEC, time);
    otherInstance.emit("remote", "INFO", "from another instance", null);
    otherInstance.emit("remote", "INFO", "and another", null);

    flaky.heal();
    time.advance(RETRY);

    await().atMost(WAIT).until(() -> client.texts().size() == 2);
    assertThat(view(client)).containsExactly("from another instance@1", "and another@2");
    assertThat(client.closeReason()).isNull();
    otherInstance.close();
  }

  @Test
  void aLineWhoseAppendRanThoughItReportedFailureIsStoredOnce() {
    AtomicInteger lostReplies = new AtomicInteger(1);
    Transport timingOut =
        new ForwardingTransport(backbone) {
          @Override
          public CompletionStage<StreamPosition> append(
              String channel, String payload, String messageId, Duration retention) {
            CompletionStage<StreamPosition> stored =
                super.append(channel, payload, messageId, retention);
            if (lostReplies.getAndDecrement() > 0) {
              return CompletableFuture.failedFuture(
                  new TransportException("append timed out (simulated)", null));
            }
            return stored;
          }
        };
    emitter(timingOut, 100);

    assertThat(emit("late", "only once")).isFalse();
    time.advance(RETRY);

    assertThat(history("late")).containsExactly("only once");
    assertThat(emitter.outboxSize()).isZero();
  }

  @Test
  void theOutboxIsBoundedAndDropsTheOldest() {
    emitter(flaky, 2);
    flaky.fail();
    emit("full", "1");
    emit("full", "2");
    emit("full", "3");

    assertThat(emitter.outboxSize()).isEqualTo(2);
    assertThat(emitter.outboxDropped()).isEqualTo(1);
    flaky.heal();
    time.advance(RETRY);
    assertThat(history("full")).containsExactly("2", "3");
  }

  @Test
  void aViewerConnectingWhileAppendsAreRefusedIsToldAtOnce() {
    emitter(backbone, 100);
    for (int i = 0; i < emitter.circuitBreaker().config().failureThreshold(); i++) {
      emitter.circuitBreaker().recordFailure();
    }
    assertThat(emit("open", "queued")).isFalse();

    RecordingConnection client = viewer("open");

    await().atMost(WAIT).until(() -> !client.texts().isEmpty());
    assertThat(view(client).get(0)).isEqualTo("[degraded]");
  }
}
