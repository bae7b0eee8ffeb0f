package io.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do. Subclass it with a method that creates a fresh transport:
 *
 * <pre>{@code
 * class MyTransportCompatibilityTest extends TransportCompatibilityKit {
 *   protected Transport createTransport() { return MyTransport.create(...); }
 *   protected int historySize() { return 50; }
 *   protected long storedState() { return MyTransport.keysUnderPrefix(); }
 * }
 * }</pre>
 *
 * <p>Each test uses channels with a random suffix, so a shared backbone may hold other data. A test
 * that relies on a subscription being live waits for its {@link TransportSubscription#confirmed()}
 * first, as callers of an asynchronous transport must.
 */
public abstract class TransportCompatibilityKit {

  /** The transport under test, created before each test and closed after it. */
  protected Transport transport;

  /** The retention of the expiring streams: short, so that the tests wait little. */
  private static final Duration RETENTION = Duration.ofMillis(300);

  private final String prefix = "tck-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final List<TransportSubscription> subscriptions = new ArrayList<>();

  /**
   * Creates a fresh, open transport.
   *
   * @return the transport
   */
  protected abstract Transport createTransport();

  /**
   * Returns how many messages a stream channel of {@link #createTransport()} retains.
   *
   * @return the history bound
   */
  protected abstract int historySize();

  /**
   * Returns what the backbone stores for all channels of this transport: for the in-memory
   * transport its {@code channelCount()}, for Redis the number of keys under its key prefix. The
   * kit compares readings before and after, so the unit does not matter as long as one channel's
   * state counts the same each time; state of other channels must not change during a test.
   *
   * @return the amount of stored state
   */
  protected abstract long storedState();

  /**
   * Returns how long a delivery may take.
   *
   * @return 10 seconds unless overridden
   */
  protected Duration deliveryTimeout() {
    return Duration.ofSeconds(10);
  }

  /** Creates the transport. */
  @BeforeEach
  protected void createTransportUnderTest() {
    transport = createTransport();
  }

  /** Closes the subscriptions and the transport. */
  @AfterEach
  protected void closeTransportUnderTest() {
    subscriptions.forEach(TransportSubscription::close);
    transport.close();
  }

  /**
   * Returns a channel name unique to this test run.
   *
   * @param name the channel's base name
   * @return the unique channel name
   */
  protected String channel(String name) {
    return prefix + name;
  }

  /** Subscribes and waits until the subscription is live, so that what follows reaches it. */
  private Recorder subscribe(String channel) {
    Recorder recorder = new Recorder();
    awaitConfirmed(track(transport.subscribe(channel, recorder)));
    return recorder;
  }

  private TransportSubscription track(TransportSubscription subscription) {
    subscriptions.add(subscription);
    return subscription;
  }

  private void awaitConfirmed(TransportSubscription subscription) {
    try {
      subscription
          .confirmed()
          .toCompletableFuture()
          .get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted confirming " + subscription.channel(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("subscription to " + subscription.channel() + " not confirmed", e);
    }
  }

  private StreamPosition append(String channel, String payload) throws Exception {
    return append(channel, payload, null);
  }

  private StreamPosition append(String channel, String payload, Duration retention)
      throws Exception {
    return transport
        .append(channel, payload, null, retention)
        .toCompletableFuture()
        .get(deliveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  @DisplayName("a published message reaches every subscriber of its channel, and only those")
  void publishReachesEverySubscriber() throws Exception {
    Recorder first = subscribe(channel("news"));
    Recorder second = subscribe(channel("news"));
    Recorder other = subscribe(channel("other"));

    transport.publish(channel("news"), "{\"n\":1}").toCompletableFuture().get(10, TimeUnit.SECONDS);

    first.awaitCount(1, deliveryTimeout());
    second.awaitCount(1, deliveryTimeout());
    TransportMessage message = first.messages().get(0);
    assertThat(message.payload()).isEqualTo("{\"n\":1}");
    assertThat(message.channel()).isEqualTo(channel("news"));
    assertThat(message.seq()).isNull();
    assertThat(message.epoch()).isNull();
    transport.publish(channel("other"), "marker");
    other.awaitCount(1, deliveryTimeout());
    assertThat(other.messages()).extracting(TransportMessage::payload).containsExactly("marker");
  }

  @Test
  @DisplayName("appended messages carry offsets 1, 2, 3 ... and one epoch")
  void appendAssignsGaplessOffsets() throws Exception {
    Recorder recorder = subscribe(channel("stream"));

    List<StreamPosition> positions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      positions.add(append(channel("stream"), "m" + i));
    }

    assertThat(positions).extracting(StreamPosition::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(positions).extracting(StreamPosition::epoch).containsOnly(positions.get(0).epoch());
    recorder.awaitCount(5, deliveryTimeout());
    assertThat(recorder.messages())
        .extracting(TransportMessage::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(recorder.messages())
        .extracting(TransportMessage::epoch)
        .containsOnly(positions.get(0).epoch());
    assertThat(recorder.messages())
        .extracting(TransportMessage::payload)
        .containsExactly("m0", "m1", "m2", "m3", "m4");
  }

  @Test
  @DisplayName("concurrent publishers: one channel order, offsets strictly increasing without gaps")
  void concurrentPublishersKeepChannelOrder() throws Exception {
    int publishers = 4;
    int each = 150;
    Recorder recorder = subscribe(channel("busy"));
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int p = 0; p < publishers; p++) {
        int publisher = p;
        running.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int n = 0; n < each; n++) {
                    transport
                        .append(channel("busy"), publisher + ":" + n)
                        .toCompletableFuture()
                        .join();
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> publisher : running) {
        publisher.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    recorder.awaitCount(publishers * each, deliveryTimeout());
    List<TransportMessage> messages = recorder.messages();
    Map<String, Integer> nextPerPublisher = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      TransportMessage message = messages.get(i);
      assertThat(message.seq()).as("offset of delivery %d", i).isEqualTo(i + 1L);
      String[] parts = message.payload().split(":");
      int expected = nextPerPublisher.getOrDefault(parts[0], 0);
      assertThat(Integer.parseInt(parts[1]))
          .as("order of publisher %s", parts[0])
          .isEqualTo(expected);
      nextPerPublisher.put(parts[0], expected + 1);
    }
  }

  @Test
  @DisplayName("since(offset) returns the retained messages after the offset, in order")
  void sinceReturnsMessagesAfterTheOffset() throws Exception {
    String epoch = null;
    for (int i = 1; i <= 10; i++) {
      epoch = append(channel("history"), "m" + i).epoch();
    }

    StreamHistory after4 = transport.since(channel("history"), 4);
    assertThat(after4.messages())
        .extracting(TransportMessage::seq)
        .containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(after4.messages()).extracting(TransportMessage::payload).startsWith("m5");
    assertThat(after4.epoch()).isEqualTo(epoch);
    assertThat(after4.oldest()).isEqualTo(1);
    assertThat(after4.latest()).isEqualTo(10);
    assertThat(transport.since(channel("history"), 10).messages()).isEmpty();
    assertThat(transport.since(channel("history"), 0).messages()).hasSize(10);
    assertThat(transport.since(channel("history"), Long.MAX_VALUE).latest()).isEqualTo(10);
  }

  @Test
  @DisplayName(
      "the history is bounded; a reader that needs a trimmed offset is too old, one that needs"
          + " the oldest is not")
  void historyIsBounded() throws Exception {
    int extra = 5;
    for (int i = 1; i <= historySize() + extra; i++) {
      append(channel("bounded"), "m" + i);
    }

    StreamHistory history = transport.since(channel("bounded"), 0);

    assertThat(history.messages()).hasSize(historySize());
    assertThat(history.oldest()).isEqualTo(extra + 1L);
    assertThat(history.latest()).isEqualTo(historySize() + (long) extra);
    assertThat(history.messages().get(0).seq()).isEqualTo(extra + 1L);
    assertThat(history.isTooOld(extra - 1L)).as("needs %s, trimmed", extra).isTrue();
    assertThat(history.isTooOld(extra)).as("needs %s, the oldest", extra + 1).isFalse();
    StreamHistory tail = transport.since(channel("bounded"), historySize());
    assertThat(tail.messages())
        .as("a read from an offset returns only what follows it")
        .extracting(TransportMessage::seq)
        .containsExactly(
            java.util.stream.LongStream.rangeClosed(
                    historySize() + 1L, historySize() + (long) extra)
                .boxed()
                .toArray(Long[]::new));
    assertThat(tail.oldest()).isEqualTo(extra + 1L);
    assertThat(tail.latest()).isEqualTo(historySize() + (long) extra);
    assertThat(transport.since(channel("bounded"), 2).messages()).hasSize(historySize());
  }

  @Test
  @DisplayName("the epoch stays the same while the history lives")
  void epochIsStable() throws Exception {
    String first = append(channel("epoch"), "a").epoch();
    for (int i = 0; i < 20; i++) {
      assertThat(append(channel("epoch"), "m" + i).epoch()).isEqualTo(first);
    }
    assertThat(transport.since(channel("epoch"), 0).epoch()).isEqualTo(first);
    assertThat(first).isNotBlank();
  }

  @Test
  @DisplayName("a stream that never had a message reads as empty, with no epoch")
  void unknownChannelReadsEmpty() {
    StreamHistory history = transport.since(channel("never"), 0);

    assertThat(history).isEqualTo(StreamHistory.empty(channel("never")));
    assertThat(history.exists()).isFalse();
    assertThat(history.epoch()).isEqualTo(StreamHistory.NO_EPOCH);
    assertThat(history.isTooOld(0)).isFalse();
  }

  @Test
  @DisplayName("reading streams that were never used creates nothing")
  void unknownChannelReadCreatesNothing() {
    long before = storedState();

    for (int i = 0; i < 100; i++) {
      assertThat(transport.since(channel("never-" + i), 0).exists()).isFalse();
      assertThat(transport.since(channel("never-" + i), Long.MAX_VALUE).exists()).isFalse();
    }

    assertThat(storedState()).as("state after 200 reads of unknown streams").isEqualTo(before);
  }

  @Test
  @DisplayName(
      "a stream appended with a retention is deleted once it passes without a newer append; one"
          + " without a retention stays")
  void retentionDeletesTheStream() throws Exception {
    String kept = channel("kept");
    String expiring = channel("expiring");
    long before = storedState();
    String keptEpoch = append(kept, "stays", null).epoch();
    long withKept = storedState();
    assertThat(withKept).as("state of a stored stream").isGreaterThan(before);

    String oldEpoch = append(expiring, "goes-1", RETENTION).epoch();
    append(expiring, "goes-2", RETENTION);
    assertThat(transport.since(expiring, 0).messages()).hasSize(2);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !transport.since(expiring, 0).exists() && storedState() == withKept);
    assertThat(transport.since(expiring, 0)).isEqualTo(StreamHistory.empty(expiring));
    StreamPosition renewed = append(expiring, "again", RETENTION);
    assertThat(renewed.seq()).as("a new stream starts at 1").isEqualTo(1);
    assertThat(renewed.epoch()).as("in a new epoch").isNotEqualTo(oldEpoch);

    await()
        .during(RETENTION.multipliedBy(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> transport.since(kept, 0).messages().size() == 1);
    assertThat(transport.since(kept, 0).epoch()).isEqualTo(keptEpoch);
  }

  @Test
  @DisplayName("an append sets the retention anew: a stream appended to keeps living")
  void appendRenewsRetention() throws Exception {
    String renewed = channel("renewed");
    Duration retention = Duration.ofSeconds(1);
    String epoch = append(renewed, "first", retention).epoch();
    ScheduledExecutorService appender = Executors.newSingleThreadScheduledExecutor();
    try {
      appender.scheduleWithFixedDelay(
          () -> transport.append(renewed, "again", null, retention),
          0,
          retention.toMillis() / 5,
          TimeUnit.MILLISECONDS);

      // Each append within the retention pushes the deletion back: the stream outlives the first
      // append's retention by far, in its first epoch.
      await()
          .during(retention.multipliedBy(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> epoch.equals(transport.since(renewed, 0).epoch()));
    } finally {
      appender.shutdownNow();
      appender.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a retention must be positive")
  void retentionMustBePositive() {
    assertThatThrownBy(() -> transport.append(channel("bad"), "x", null, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> transport.append(channel("bad"), "x", null, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention");
    assertThat(transport.since(channel("bad"), 0).exists()).isFalse();
  }

  @Test
  @DisplayName(
      "many channels subscribed at once are all confirmed, each gets exactly its own messages, and"
          + " nothing stays once they are unsubscribed")
  void manyChannels() {
    int count = 1_000;
    long before = storedState();
    List<Recorder> recorders = new ArrayList<>(count);
    List<TransportSubscription> made = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Recorder recorder = new Recorder();
      recorders.add(recorder);
      made.add(track(transport.subscribe(channel("many-" + i), recorder)));
    }
    CompletableFuture.allOf(
            made.stream()
                .map(s -> s.confirmed().toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .orTimeout(30, TimeUnit.SECONDS)
        .join();
    assertThat(made).allMatch(TransportSubscription::isActive);

    List<CompletableFuture<Void>> published = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      published.add(transport.publish(channel("many-" + i), "to-" + i).toCompletableFuture());
    }
    CompletableFuture.allOf(published.toArray(CompletableFuture[]::new))
        .orTimeout(30, TimeUnit.SECONDS)
        .join();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> recorders.stream().allMatch(r -> !r.messages().isEmpty()));
    for (int i = 0; i < count; i++) {
      assertThat(recorders.get(i).messages())
          .as("channel many-%d", i)
          .extracting(TransportMessage::payload)
          .containsExactly("to-" + i);
    }
    made.forEach(TransportSubscription::close);
    // At most what was there: streams of the kit's retention tests may expire meanwhile (seen in
    // RedisClusterIT: 12 keys before, 9 after), but these channels must have added nothing.
    await().atMost(deliveryTimeout()).until(() -> storedState() <= before);
  }

  @Test
  @DisplayName("a plain message on a stream channel arrives without offset and takes none")
  void plainMessageOnStreamChannel() throws Exception {
    Recorder recorder = subscribe(channel("mixed"));

    append(channel("mixed"), "first");
    transport.publish(channel("mixed"), "external").toCompletableFuture().get(10, TimeUnit.SECONDS);
    StreamPosition second = append(channel("mixed"), "second");

    recorder.awaitCount(3, deliveryTimeout());
    assertThat(recorder.messages())
        .extracting(TransportMessage::payload)
        .containsExactly("first", "external", "second");
    assertThat(recorder.messages().get(1).seq()).isNull();
    assertThat(second.seq()).isEqualTo(2);
  }

  @Test
  @DisplayName("unsubscribe stops delivery to that subscriber only")
  void unsubscribeStopsDelivery() throws Exception {
    Recorder kept = subscribe(channel("unsub"));
    Recorder dropped = new Recorder();
    TransportSubscription subscription = transport.subscribe(channel("unsub"), dropped);
    awaitConfirmed(subscription);
    assertThat(subscription.isActive()).isTrue();
    assertThat(subscription.channel()).isEqualTo(channel("unsub"));

    subscription.close();
    subscription.close();
    append(channel("unsub"), "after");

    kept.awaitCount(1, deliveryTimeout());
    assertThat(subscription.isActive()).isFalse();
    assertThat(dropped.messages()).isEmpty();
  }

  @Test
  @DisplayName("a throwing listener keeps its subscription")
  void throwingListenerKeepsItsSubscription() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Recorder recorder = new Recorder();
    awaitConfirmed(
        track(
            transport.subscribe(
                channel("throwing"),
                message -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("listener bug (expected by the test)");
                  }
                  recorder.onMessage(message);
                })));

    append(channel("throwing"), "one");
    append(channel("throwing"), "two");

    recorder.awaitCount(1, deliveryTimeout());
    assertThat(recorder.messages()).extracting(TransportMessage::payload).containsExactly("two");
  }

  @Test
  @DisplayName("close is idempotent and ends subscriptions")
  void closeIsIdempotent() {
    TransportSubscription subscription = transport.subscribe(channel("closing"), new Recorder());

    transport.close();
    transport.close();

    assertThat(subscription.isActive()).isFalse();
  }

  @Test
  @DisplayName("after close, publishing and subscribing fail fast with a clear exception")
  void useAfterCloseFailsFast() {
    transport.close();

    assertThatThrownBy(() -> transport.append(channel("late"), "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> transport.publish(channel("late"), "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> transport.subscribe(channel("late"), new Recorder()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> transport.since(channel("late"), 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /** Records what a subscription delivers. */
  protected static final class Recorder implements TransportListener {
    private final List<TransportMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(TransportMessage message) {
      messages.add(message);
    }

    /**
     * Returns what was delivered so far.
     *
     * @return a snapshot, in delivery order
     */
    public List<TransportMessage> messages() {
      return List.copyOf(messages);
    }

    /**
     * Waits until at least {@code count} messages arrived.
     *
     * @param count the count
     * @param timeout the most time to wait
     */
    public void awaitCount(int count, Duration timeout) {
      await().atMost(timeout).until(() -> messages.size() >= count);
    }
  }
}
