package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.jobs.JobIds;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.redis.internal.StreamScripts;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The Redis transport's delivery guarantees under faults, each against a private Redis: retried
 * appends store one copy, a stalled Redis cannot grow threads, a Redis that comes back with older
 * data moves the stream to a new epoch instead of reusing offsets, a slow listener does not get its
 * subscription killed, and a probe tells whether Redis answers.
 */
class RedisDeliveryGuaranteesIT extends PrivateRedisCase {

  private static StreamPosition append(RedisTransport transport, String channel, String id) {
    return transport.append(channel, "payload " + id, id).toCompletableFuture().join();
  }

  private static void save(RedisServer server) {
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      jedis.save();
    }
  }

  private static long subscribers(RedisServer server, String channel) {
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      return jedis.pubsubNumSub(channel).getOrDefault(channel, 0L);
    }
  }

  /**
   * A survivor appends offsets 1..10 of a channel, SAVE at 5; Redis restarts from that snapshot and
   * a fresh instance appends 10 more (offsets 6..15 of the old epoch, reissued).
   *
   * @return the epoch the survivor saw
   */
  private String rollBackUnderAFreshInstance(
      RedisServer server, RedisTransport survivor, String channel) throws Exception {
    String epoch = null;
    for (int i = 1; i <= 10; i++) {
      epoch = append(survivor, channel, "a-" + i).epoch();
      if (i == 5) {
        save(server);
      }
    }
    server.kill();
    server.launch();
    RedisTransport fresh = transport(server.port());
    for (int i = 1; i <= 10; i++) {
      append(fresh, channel, "b-" + i);
    }
    return epoch;
  }

  /** Subscribes, again until Redis confirms it (it may still be coming back). */
  private static TransportSubscription subscribed(
      RedisTransport transport, String channel, TransportListener listener) {
    return await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(
            () -> {
              TransportSubscription subscription = transport.subscribe(channel, listener);
              subscription.confirmed().toCompletableFuture().get(2, TimeUnit.SECONDS);
              return subscription;
            },
            subscription -> true);
  }

  /** A listener that takes its first message and then blocks until released. */
  private static final class SlowRecorder extends RecordingListener {
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void onMessage(TransportMessage message) {
      super.onMessage(message);
      if (messages.size() == 1) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  // 14.2: idempotent appends

  @Test
  void appendingTwiceWithOneIdStoresOneCopyAndReturnsTheFirstPosition() throws Exception {
    RedisTransport transport = transport(server().port());

    StreamPosition first = append(transport, "dedup", "m-1");
    StreamPosition again = append(transport, "dedup", "m-1");
    transport.append("dedup", "no id", null).toCompletableFuture().join();
    transport.append("dedup", "no id", null).toCompletableFuture().join();

    assertThat(again).isEqualTo(first);
    assertThat(transport.since("dedup", 0).messages())
        .extracting(TransportMessage::payload)
        .containsExactly("payload m-1", "no id", "no id");
  }

  @Test
  void anAppendThatTimedOutButRanIsNotStoredAgainWhenRetried() throws Exception {
    RedisServer server = server();
    ReplyDroppingProxy proxy = new ReplyDroppingProxy(server.port());
    closeables.add(proxy);
    RedisTransport transport = transport(proxy.port());
    append(transport, "late", "warm-up");

    proxy.dropReplies(true);
    Throwable timedOut =
        failureOf(transport.append("late", "payload m-1", "m-1").toCompletableFuture());
    proxy.dropReplies(false);

    assertThat(timedOut).isInstanceOf(TransportException.class);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> transport.since("late", 0).messages().size() == 2);
    StreamPosition retried = append(transport, "late", "m-1");

    List<TransportMessage> history = transport.since("late", 0).messages();
    assertThat(history)
        .extracting(TransportMessage::payload)
        .containsExactly("payload warm-up", "payload m-1");
    assertThat(retried.seq()).isEqualTo(history.get(1).seq());
    assertThat(retried.epoch()).isEqualTo(history.get(1).epoch());
  }

  // 14.2: bounded executors

  @Test
  void aStalledRedisNeitherGrowsThreadsNorKeepsCallersPastTheTimeout() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port(), b -> b.commandThreads(4, 16));
    append(transport, "stalled", "warm-up");

    server.pause();
    List<CompletableFuture<StreamPosition>> appends = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < 300; i++) {
        appends.add(transport.append("stalled", "x", "s-" + i).toCompletableFuture());
      }
      long ioThreads =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("realtime-redis-io"))
              .count();
      await()
          .atMost(COMMAND_TIMEOUT.plusSeconds(2))
          .until(() -> appends.stream().allMatch(CompletableFuture::isDone));
      Duration allFailed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(ioThreads).isLessThanOrEqualTo(4);
      assertThat(allFailed).isLessThan(COMMAND_TIMEOUT.plusMillis(1000));
      assertThat(appends).allMatch(CompletableFuture::isCompletedExceptionally);
      assertThat(appends.stream().map(PrivateRedisCase::failureOf))
          .allMatch(TransportException.class::isInstance);
      assertThat(transport.rejectedCommands()).isGreaterThanOrEqualTo(300 - 4 - 16);
    } finally {
      server.resume();
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .until(() -> append(transport, "stalled", "after") != null);
  }

  @Test
  void closingTheTransportFailsTheCommandsStillWaiting() throws Exception {
    RedisServer server = server();
    RedisTransport transport =
        transport(server.port(), builder -> builder.commandTimeout(Duration.ofSeconds(30)));
    append(transport, "closing", "first");
    server.pause();
    List<CompletableFuture<StreamPosition>> waiting = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      waiting.add(transport.append("closing", "p" + i, "c-" + i).toCompletableFuture());
    }

    transport.close();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> waiting.stream().allMatch(CompletableFuture::isDone));
    assertThat(waiting).allMatch(CompletableFuture::isCompletedExceptionally);
    server.resume();
  }

  // 14.1: rollback detection

  @Test
  void aRedisRestartedFromAnOlderSnapshotMovesTheStreamToANewEpoch() throws Exception {
    RedisServer server = server();
    RedisTransport survivor = transport(server.port());
    RecordingListener heard = new RecordingListener();
    subscribed(survivor, "rollback", heard);
    for (int i = 1; i <= 10; i++) {
      append(survivor, "rollback", "a-" + i);
      if (i == 5) {
        save(server);
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.messages.size() == 10);
    String epoch = heard.messages.get(9).epoch();

    server.kill();
    server.launch();
    await().atMost(Duration.ofSeconds(5)).until(() -> !heard.failures.isEmpty());
    RecordingListener after = new RecordingListener();
    subscribed(survivor, "rollback", after);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      assertThat(jedis.get("hsi:{rollback}:seq")).as("the snapshot's counter").isEqualTo("5");
    }

    // a freshly started instance knows nothing: its append reuses offset 6 of the old epoch
    RedisTransport fresh = transport(server.port());
    StreamPosition reused = append(fresh, "rollback", "b-1");
    assertThat(reused.epoch()).isEqualTo(epoch);
    assertThat(reused.seq()).isEqualTo(6);

    // the survivor heard offset 6 again: the stream moves to a new epoch and its listeners are
    // told, so that they catch up from the history (never silence)
    await().atMost(Duration.ofSeconds(5)).until(() -> !after.failures.isEmpty());
    assertThat(after.failures.get(0)).hasMessageContaining("rolled back");
    RecordingListener again = new RecordingListener();
    subscribed(survivor, "rollback", again);
    String newEpoch = survivor.since("rollback", 0).epoch();
    assertThat(newEpoch).isNotEqualTo(epoch);

    StreamPosition next = append(fresh, "rollback", "b-2");
    StreamPosition own = append(survivor, "rollback", "a-11");
    assertThat(next.epoch()).isEqualTo(newEpoch);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> again.payloads().containsAll(List.of("payload b-2", "payload a-11")));
    assertThat(again.messages)
        .filteredOn(m -> m.payload().equals("payload b-2") || m.payload().equals("payload a-11"))
        .extracting(TransportMessage::epoch)
        .containsOnly(next.epoch());
    assertThat(own.epoch()).isEqualTo(next.epoch());
  }

  /**
   * A survivor appends 1..5 in a first epoch, SAVE; Redis loses the epoch key so the survivor's
   * next appends start a second epoch; then Redis restarts from the snapshot: the first epoch, left
   * behind, is back with its old counter.
   *
   * @return the first epoch
   */
  private String resurrectALeftEpoch(RedisServer server, RedisTransport survivor, String channel)
      throws Exception {
    String first = null;
    for (int i = 1; i <= 5; i++) {
      first = append(survivor, channel, "a-" + i).epoch();
    }
    save(server);
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      jedis.del("hsi:{" + channel + "}:epoch");
    }
    for (int i = 1; i <= 5; i++) {
      assertThat(append(survivor, channel, "b-" + i).epoch()).isNotEqualTo(first);
    }
    server.kill();
    server.launch();
    server.awaitAnswering();
    return first;
  }

  @Test
  void anEpochLeftBehindThatComesBackWithOlderDataIsEndedByTheNextAppend() throws Exception {
    RedisServer server = server();
    RedisTransport survivor = transport(server.port());
    String first = resurrectALeftEpoch(server, survivor, "resurrected");

    StreamPosition next =
        await()
            .atMost(Duration.ofSeconds(5))
            .ignoreExceptions()
            .until(() -> append(survivor, "resurrected", "c-1"), position -> position != null);

    assertThat(next.epoch())
        .as("an epoch this instance left must not come back")
        .isNotEqualTo(first);
    assertThat(next.seq()).isEqualTo(1);
    assertThat(survivor.since("resurrected", 0).messages())
        .extracting(TransportMessage::payload)
        .containsExactly("payload c-1");
  }

  @Test
  void anEpochLeftBehindHeardLiveAgainIsFenced() throws Exception {
    RedisServer server = server();
    RedisTransport survivor = transport(server.port());
    String first = resurrectALeftEpoch(server, survivor, "resurrected-live");
    RecordingListener heard = new RecordingListener();
    subscribed(survivor, "resurrected-live", heard);

    // a freshly started instance knows nothing: its append lands in the resurrected epoch
    RedisTransport fresh = transport(server.port());
    assertThat(append(fresh, "resurrected-live", "fresh-1").epoch()).isEqualTo(first);

    await().atMost(Duration.ofSeconds(5)).until(() -> !heard.failures.isEmpty());
    assertThat(heard.failures.get(0)).hasMessageContaining("rolled back");
    StreamPosition after = append(fresh, "resurrected-live", "fresh-2");
    assertThat(after.epoch()).isNotEqualTo(first);
  }

  @Test
  void aCounterBehindWhatThisInstanceSawStartsANewEpochOnAppendAndOnRead() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    String epoch = "";
    for (String channel : List.of("behind-append", "behind-read")) {
      for (int i = 1; i <= 5; i++) {
        epoch = append(transport, channel, channel + i).epoch();
      }
    }
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      // a promoted replica that missed the last appends: the epoch key is there, the counter older
      jedis.set("hsi:{behind-append}:seq", "2");
      jedis.set("hsi:{behind-read}:seq", "2");
    }

    StreamPosition appended = append(transport, "behind-append", "new");
    String read = transport.since("behind-read", 0).epoch();

    assertThat(appended.epoch()).isNotEqualTo(epoch);
    assertThat(appended.seq()).isEqualTo(1);
    assertThat(read).isNotEqualTo(epoch);
  }

  @Test
  void aClientsOffsetNeverResetsTheEpoch() throws Exception {
    RedisServer server = server();
    RedisTransport writer = transport(server.port());
    String epoch = "";
    for (int i = 1; i <= 5; i++) {
      epoch = append(writer, "client-offset", "m" + i).epoch();
    }
    RedisTransport other = transport(server.port());

    // a client resyncing with an offset beyond the counter (a stale or forged last_sequence)
    assertThat(other.since("client-offset", 1_000).epoch()).isEqualTo(epoch);
    assertThat(writer.since("client-offset", 1_000).epoch()).isEqualTo(epoch);
  }

  // 14.5: the socket reader only reads

  @Test
  void aSlowListenerKeepsItsSubscriptionAndGetsEverythingInOrder() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    SlowRecorder slow = new SlowRecorder();
    TransportSubscription subscription = subscribed(transport, "slow", slow);

    for (int i = 1; i <= 5; i++) {
      append(transport, "slow", "m" + i);
    }
    // blocked for longer than the ping timeout (1 s): the connection must stay alive
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> subscription.isActive() && slow.failures.isEmpty());
    slow.release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> slow.messages.size() == 5);
    assertThat(slow.payloads())
        .containsExactly("payload m1", "payload m2", "payload m3", "payload m4", "payload m5");
    assertThat(slow.failures).isEmpty();
    assertThat(subscription.isActive()).isTrue();
  }

  @Test
  void aChannelWhoseQueueOverflowsEndsItsSubscriptionWithOnFailure() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port(), b -> b.delivery(1, 3));
    SlowRecorder slow = new SlowRecorder();
    TransportSubscription subscription = subscribed(transport, "overflow", slow);

    for (int i = 1; i <= 10; i++) {
      append(transport, "overflow", "m" + i);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !subscription.isActive());
    slow.release.countDown();

    await().atMost(Duration.ofSeconds(5)).until(() -> slow.failures.size() == 1);
    assertThat(slow.failures.get(0)).hasMessageContaining("overflow").hasMessageContaining("3");
  }

  // prompt recovery: a cheap liveness probe

  @Test
  void theProbeFailsWhileRedisIsDownAndSucceedsOnceItAnswers() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    transport.probe().toCompletableFuture().join();

    server.kill();
    long start = System.nanoTime();
    Throwable down = failureOf(transport.probe().toCompletableFuture());
    assertThat(down).isInstanceOf(TransportException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(COMMAND_TIMEOUT.multipliedBy(2).plusMillis(500));

    server.launch();
    transport.probe().toCompletableFuture().join();
  }

  @Test
  void aStalledRedisFailsTheProbeWithinItsTimeouts() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    server.pause();
    try {
      long start = System.nanoTime();
      assertThat(failureOf(transport.probe().toCompletableFuture()))
          .isInstanceOf(TransportException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(COMMAND_TIMEOUT.multipliedBy(2).plusMillis(500));
    } finally {
      server.resume();
    }
  }

  // review of 14.1: a counter pushed past the mark, call order, zombie subscribers, timeouts

  /**
   * The survivor reads the history (its catch-up after resubscribing) only after a fresh instance
   * appended past its mark: offsets 6..10 were reissued to other events, so it must see a new
   * epoch, not skip them.
   */
  @Test
  void aRollbackIsNoticedAfterAFreshInstancePushedTheCounterPastTheMark() throws Exception {
    RedisServer server = server();
    RedisTransport survivor = transport(server.port());
    String epoch = rollBackUnderAFreshInstance(server, survivor, "rb");

    StreamHistory catchUp = survivor.since("rb", 10);

    assertThat(catchUp.epoch())
        .as("offsets 6..10 were reissued to b-1..b-5: the survivor must see a new epoch")
        .isNotEqualTo(epoch);
  }

  /** The same, noticed by the survivor's next append rather than a read. */
  @Test
  void aRollbackIsNoticedByAnAppendAfterAFreshInstancePushedTheCounterPastTheMark()
      throws Exception {
    RedisServer server = server();
    RedisTransport survivor = transport(server.port());
    String epoch = rollBackUnderAFreshInstance(server, survivor, "rb2");

    StreamPosition next = append(survivor, "rb2", "a-11");

    assertThat(next.epoch()).isNotEqualTo(epoch);
    assertThat(next.seq()).isEqualTo(1);
  }

  /** Without a rollback, a survivor's read and append stay in the epoch that others extended. */
  @Test
  void appendsOfOtherInstancesPastTheMarkKeepTheEpoch() throws Exception {
    RedisServer server = server();
    RedisTransport first = transport(server.port());
    RedisTransport second = transport(server.port());
    String epoch = null;
    for (int i = 1; i <= 10; i++) {
      epoch = append(first, "keep", "a-" + i).epoch();
    }
    for (int i = 1; i <= 10; i++) {
      append(second, "keep", "b-" + i);
    }

    StreamHistory history = first.since("keep", 10);

    assertThat(history.epoch()).isEqualTo(epoch);
    assertThat(history.messages()).hasSize(10);
    assertThat(append(first, "keep", "a-11")).isEqualTo(new StreamPosition(21, epoch));
  }

  /**
   * An instance that only heard a channel live (never appended or read it) reads the history: the
   * digests of the frames it heard match the scripts', so no rollback is seen where there is none.
   */
  @Test
  void anInstanceThatOnlyHeardFramesLiveKeepsTheEpochWhenItReads() throws Exception {
    RedisServer server = server();
    RedisTransport listener = transport(server.port());
    RedisTransport writer = transport(server.port());
    RecordingListener heard = new RecordingListener();
    subscribed(listener, "heard", heard);
    String epoch = null;
    for (int i = 1; i <= 5; i++) {
      epoch = writer.append("heard", "é ✓ 😀 line " + i).toCompletableFuture().join().epoch();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.messages.size() == 5);

    StreamHistory history = listener.since("heard", 5);

    assertThat(history.epoch()).isEqualTo(epoch);
    assertThat(history.latest()).isEqualTo(5);
  }

  /**
   * The job log emitter issues appends in emit order without waiting for each; the transport runs
   * commands on a pool of threads and connections, yet the history must keep emit order.
   */
  @Test
  void appendsIssuedInOrderLandInTheHistoryInThatOrder() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    JobLogEmitter emitter = JobLogEmitter.builder(transport).build();
    closeables.add(emitter);
    int n = 800;
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(emitter.emit("job1", "INFO", "line " + i, null).toCompletableFuture());
    }
    all.forEach(CompletableFuture::join);

    List<Integer> stored = new ArrayList<>();
    Pattern line = Pattern.compile("line (\\d+)");
    for (TransportMessage m : transport.since(JobIds.logChannel("job1"), 0).messages()) {
      Matcher matcher = line.matcher(m.payload());
      if (matcher.find()) {
        stored.add(Integer.parseInt(matcher.group(1)));
      }
    }

    assertThat(stored).hasSize(n);
    assertThat(stored).as("history order is emit order").isSorted();
  }

  /**
   * On a slow link the connection's handshake outlasts the subscribe's wait: the subscriber is
   * stopped before it has a connection to close. It must not subscribe later and live on, hearing
   * (and judging) the channel's offsets next to its replacement.
   */
  @Test
  void aSubscriberGivenUpOnBeforeItConnectedNeverSubscribes() throws Exception {
    RedisServer server = server();
    ReplyDroppingProxy proxy = new ReplyDroppingProxy(server.port());
    closeables.add(proxy);
    RedisTransport transport =
        transport(proxy.port(), builder -> builder.connectTimeout(Duration.ofMillis(100)));
    proxy.trickleReplies(true);

    TransportSubscription zombie = transport.subscribe("zombie", message -> {});
    assertThat(failureOf(zombie.confirmed().toCompletableFuture()))
        .isInstanceOf(TransportException.class);

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> subscribers(server, "zombie") == 0);
  }

  /**
   * A command that times out completes on the transport's timeout thread, not on the JVM-wide
   * delayer of {@code CompletableFuture.orTimeout}: callbacks (a local broadcast, a breaker's
   * listeners) must not hold that thread.
   */
  @Test
  void aTimedOutCommandCompletesOnTheTransportsOwnThread() throws Exception {
    RedisServer server = server();
    ReplyDroppingProxy proxy = new ReplyDroppingProxy(server.port());
    closeables.add(proxy);
    RedisTransport transport = transport(proxy.port());
    append(transport, "slow", "warm-up");
    proxy.dropReplies(true);

    transport.append("slow", "first");
    AtomicReference<String> completedOn = new AtomicReference<>();
    CompletableFuture<?> second =
        transport
            .append("slow", "second")
            .whenComplete((position, error) -> completedOn.set(Thread.currentThread().getName()))
            .toCompletableFuture();

    await().atMost(Duration.ofSeconds(5)).until(second::isDone);
    assertThat(second).isCompletedExceptionally();
    assertThat(completedOn.get()).startsWith("realtime-redis-timeout");
  }

  /**
   * What epoch the read script answers a reader that saw {@code seen} up to {@code mark}; {@code
   * candidate} if it starts a new one.
   */
  private static String epochRead(
      RedisServer server, String channel, String candidate, String seen, long mark, String digest) {
    String base = "hsi:{" + channel + "}";
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      List<?> result =
          (List<?>)
              jedis.eval(
                  StreamScripts.SINCE,
                  List.of(base + ":seq", base + ":history", base + ":epoch"),
                  List.of(candidate, "0", seen, Long.toString(mark), digest, ""));
      return String.valueOf(result.get(0));
    }
  }

  /**
   * The read script keeps the epoch when the frame at the reader's mark is the one it saw, and ends
   * it when another frame is there, or when the reader saw its offsets go back (digest {@code -}: a
   * fence that failed is done by the next read).
   */
  @Test
  void theReadScriptEndsTheEpochOnAnotherFrameAtTheMarkOrAnEpochSeenGoingBack() throws Exception {
    RedisServer server = server();
    RedisTransport transport = transport(server.port());
    String epoch = null;
    for (int i = 1; i <= 3; i++) {
      epoch = append(transport, "marked", "m-" + i).epoch();
    }
    String digest;
    try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
      digest =
          String.valueOf(
              jedis.eval(
                  "return redis.sha1hex(ARGV[1])",
                  0,
                  jedis.lindex("hsi:{marked}:history", 1))); // offset 2
    }

    assertThat(epochRead(server, "marked", "e2", epoch, 2, digest)).isEqualTo(epoch);
    assertThat(epochRead(server, "marked", "e2", epoch, 3, "")).isEqualTo(epoch);
    assertThat(epochRead(server, "marked", "e2", epoch, 2, "0".repeat(40))).isEqualTo("e2");

    assertThat(append(transport, "marked", "m-4")).isEqualTo(new StreamPosition(1, "e2"));
    assertThat(epochRead(server, "marked", "e3", "e2", 1, "-")).isEqualTo("e3");
    assertThat(epochRead(server, "marked", "e4", "e2", 1, "-"))
        .as("another epoch than the one seen going back is kept")
        .isEqualTo("e3");
  }
}
