package io.realtime.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.test.ForwardingTransport;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One emitter's job log keeps emit order and loses no line to races between the outbox flush, new
 * lines, appends in flight and the outbox bound; a viewer gets a line given locally once, whether
 * its local or its stream copy reaches the tail first (issue 14, review of the job logs).
 */
class JobLogOrderingTest extends JobLogTestBase {

  private static final Duration RETRY = Duration.ofSeconds(1);

  private final Gate gate = new Gate(transport);

  /** The emitter under test, on the gate; the base's, on the bare transport, is left unused. */
  private JobLogEmitter gated;

  @AfterEach
  void closeGated() {
    if (gated != null) {
      gated.close();
    }
  }

  /** A backbone whose appends fail or wait on demand, and whose history read can be held once. */
  private static final class Gate extends ForwardingTransport {
    volatile boolean failing;
    private volatile CompletableFuture<Void> holdNext;
    final CountDownLatch appendHeld = new CountDownLatch(1);

    /** The next append stores its line at once but replies with this stage. */
    volatile CompletableFuture<StreamPosition> nextReply;

    /** Unsubscribing waits for this, as a backbone that is away may make it wait. */
    volatile CountDownLatch holdUnsubscribe;

    volatile CountDownLatch holdSince;
    final CountDownLatch sinceHeld = new CountDownLatch(1);

    Gate(Transport delegate) {
      super(delegate);
    }

    /** The next append waits for the returned stage; completed exceptionally, it fails. */
    CompletableFuture<Void> holdNextAppend() {
      CompletableFuture<Void> release = new CompletableFuture<>();
      holdNext = release;
      return release;
    }

    @Override
    public CompletionStage<StreamPosition> append(
        String channel, String payload, String id, Duration retention) {
      if (failing) {
        return CompletableFuture.failedFuture(new TransportException("down (simulated)", null));
      }
      CompletableFuture<StreamPosition> reply = nextReply;
      if (reply != null) {
        nextReply = null;
        delegate.append(channel, payload, id, retention);
        return reply;
      }
      CompletableFuture<Void> release = holdNext;
      if (release != null) {
        holdNext = null;
        appendHeld.countDown();
        return release.thenCompose(ignored -> delegate.append(channel, payload, id, retention));
      }
      return delegate.append(channel, payload, id, retention);
    }

    @Override
    public TransportSubscription subscribe(String channel, TransportListener listener) {
      TransportSubscription subscribed = delegate.subscribe(channel, listener);
      return new TransportSubscription() {
        @Override
        public String channel() {
          return subscribed.channel();
        }

        @Override
        public boolean isActive() {
          return subscribed.isActive();
        }

        @Override
        public void close() {
          CountDownLatch release = holdUnsubscribe;
          if (release != null) {
            await(release);
          }
          subscribed.close();
        }
      };
    }

    @Override
    public StreamHistory since(String channel, long offset) {
      CountDownLatch release = holdSince;
      if (release != null) {
        holdSince = null;
        sinceHeld.countDown();
        await(release);
      }
      return delegate.since(channel, offset);
    }

    private static void await(CountDownLatch release) {
      try {
        release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void emitter(int outboxCapacity) {
    gated =
        JobLogEmitter.builder(gate)
            .timeSource(time)
            .scheduler(time)
            .retryInterval(RETRY)
            .outboxCapacity(outboxCapacity)
            .build();
  }

  private boolean emit(String jobId, String line) {
    return gated.emit(jobId, "INFO", line, null).toCompletableFuture().join();
  }

  private RecordingConnection viewer(String jobId, String name) {
    RecordingConnection client = new RecordingConnection(name);
    JobLogTail.attach(gated, jobId, registry.register(JobIds.logChannel(jobId), client));
    return client;
  }

  /** Queues two lines in a full outbox of two, then starts a flush held in its first append. */
  private CompletableFuture<Void> flushHeldOnTheHeadOfAFullOutbox(
      String jobId, CompletableFuture<Void> release) throws InterruptedException {
    emitter(2);
    gate.failing = true;
    assertThat(emit(jobId, "L1")).isFalse();
    assertThat(emit(jobId, "L2")).isFalse();
    gate.failing = false;
    gate.holdNext = release;
    CompletableFuture<Void> flushing = CompletableFuture.runAsync(() -> time.advance(RETRY));
    assertThat(gate.appendHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return flushing;
  }

  @Test
  void aLineQueuedWhileTheFullOutboxIsAppendingItsHeadLosesNoOtherLine() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    CompletableFuture<Void> flushing = flushHeldOnTheHeadOfAFullOutbox("full", release);

    assertThat(emit("full", "L3")).as("queued behind the outbox").isFalse();
    release.complete(null);
    flushing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(history(transport, "full")).containsExactly("L1", "L2", "L3");
    assertThat(gated.outboxDropped()).as("no line was dropped").isZero();
    assertThat(gated.outboxSize()).isZero();
  }

  @Test
  void whenTheHeadBeingAppendedFailsTheBoundDropsTheOldestAndCountsIt() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    CompletableFuture<Void> flushing = flushHeldOnTheHeadOfAFullOutbox("bound", release);

    assertThat(emit("bound", "L3")).isFalse();
    assertThat(gated.outboxSize()).as("two waiting and the one being appended").isEqualTo(3);
    release.completeExceptionally(new TransportException("append lost (simulated)", null));
    flushing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(gated.outboxSize()).isEqualTo(2);
    assertThat(gated.outboxDropped()).isEqualTo(1);
    time.advance(RETRY);
    assertThat(history(transport, "bound")).containsExactly("L2", "L3");
  }

  @Test
  void theFlushNeverOvertakesAnOlderAppendStillInFlight() {
    emitter(100);
    CompletableFuture<Void> release = gate.holdNextAppend();
    CompletionStage<Boolean> first = gated.emit("order", "INFO", "L1", null);
    gate.failing = true;
    assertThat(emit("order", "L2")).isFalse();
    gate.failing = false;

    time.advance(RETRY); // a flush tick while L1's append is still in flight
    release.completeExceptionally(new TransportException("append lost (simulated)", null));
    assertThat(first.toCompletableFuture().join()).isFalse();
    time.advance(RETRY);

    assertThat(history(transport, "order")).containsExactly("L1", "L2");
    assertThat(gated.outboxSize()).isZero();
  }

  @Test
  void aLineGivenLocallyReachesAViewerOnceEvenWhenItsStreamCopyIsFaster() throws Exception {
    emitter(100);
    // Viewer a reads its backlog slowly: it holds up whatever would deliver lines to it.
    CountDownLatch releaseBacklog = new CountDownLatch(1);
    gate.holdSince = releaseBacklog;
    CompletableFuture<RecordingConnection> slow =
        CompletableFuture.supplyAsync(() -> viewer("dup", "viewer-a"));
    assertThat(gate.sinceHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    RecordingConnection b = viewer("dup", "viewer-b");

    gate.failing = true;
    assertThat(emit("dup", "L")).isFalse();
    gate.failing = false;
    time.advance(RETRY); // the flush appends L: the stream brings it to viewer b
    releaseBacklog.countDown();
    RecordingConnection a = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    List<String> expected = List.of("[degraded]", "L@null", "[healthy]");
    await().atMost(WAIT).until(() -> view(a).equals(expected));
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> view(b).equals(expected));
    assertThat(history(transport, "dup")).containsExactly("L");
  }

  @Test
  void aViewerWhoseBacklogIsBeingReadWhenLinesTurnLocalIsToldOnce() throws Exception {
    emitter(100);
    CountDownLatch releaseBacklog = new CountDownLatch(1);
    gate.holdSince = releaseBacklog;
    RecordingConnection client = viewer("told", "viewer");
    assertThat(gate.sinceHeld.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

    gate.failing = true; // degraded after the viewer subscribed, before its backlog is out
    assertThat(emit("told", "L")).isFalse();
    releaseBacklog.countDown();

    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> view(client).equals(List.of("[degraded]", "L@null")));
    gate.failing = false;
    time.advance(RETRY);
    await()
        .atMost(WAIT)
        .until(() -> view(client).equals(List.of("[degraded]", "L@null", "[healthy]")));
  }

  @Test
  void aLineTheStreamGaveBeforeItsAppendReportedFailureIsNotGivenAgainLocally() {
    emitter(100);
    RecordingConnection client = viewer("late", "viewer");
    CompletableFuture<StreamPosition> reply = new CompletableFuture<>();
    gate.nextReply = reply;
    CompletionStage<Boolean> sent = gated.emit("late", "INFO", "L", null);
    await().atMost(WAIT).until(() -> view(client).equals(List.of("L@1")));

    reply.completeExceptionally(new TransportException("append timed out (simulated)", null));
    assertThat(sent.toCompletableFuture().join()).isFalse();
    time.advance(RETRY); // the outbox appends it again with its id: stored once

    List<String> expected = List.of("L@1", "[degraded]", "[healthy]");
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> view(client).equals(expected));
    assertThat(history(transport, "late")).containsExactly("L");
  }

  @Test
  void aJobEndGivenLocallyNeverHoldsTheEmitterWhileItsViewerUnsubscribes() throws Exception {
    emitter(100);
    RecordingConnection client = viewer("end", "viewer");
    CountDownLatch release = new CountDownLatch(1);
    gate.holdUnsubscribe = release;
    gate.failing = true;

    CompletableFuture<Boolean> completed =
        CompletableFuture.supplyAsync(
            () -> gated.completed("end", null, null).toCompletableFuture().join());
    try {
      assertThat(completed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("queued, and not held by the viewer's unsubscription")
          .isFalse();
    } finally {
      release.countDown();
    }
    time.runDueTasks();
    await().atMost(WAIT).until(() -> JobLogTail.JOB_FINISHED.equals(client.closeReason()));
  }
}
