package io.realtime.transport;

import io.realtime.internal.util.Durations;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded transport for a single instance, with no Redis: stream channels with offsets, epochs
 * and a bounded history, and plain channels, all in this JVM. Broadcasters also fall back to it for
 * local delivery in degraded mode.
 *
 * <p>Messages are stored under their channel's lock and delivered by one dispatcher thread ({@code
 * realtime-inmemory-N}) in the order they were stored, so publishers never run listeners themselves
 * and listeners see each channel in order. Appends with a message id are deduplicated over the ids
 * of as many latest appends as the history retains. Subscribing is synchronous: a subscription is
 * confirmed when {@link #subscribe} returns.
 *
 * <p><b>Bounded state.</b> A channel is held only while it has subscribers or a stored stream:
 * reading a stream that does not exist, or publishing where nobody listens, creates nothing, and a
 * plain channel whose last subscriber left is forgotten. A stream appended with a retention is
 * deleted (history, offsets, epoch, deduplication ids) once its retention passes without a newer
 * append, measured on the transport's {@link Builder#timeSource clock}. Deletion is lazy: a stream
 * past its retention reads as gone at once, and every call frees a few expired streams, the ones
 * expired longest first, so memory follows the streams alive, not the channels ever asked about.
 */
public final class InMemoryTransport implements Transport {

  /** The default number of messages a stream channel retains. */
  public static final int DEFAULT_HISTORY_SIZE = 1_000;

  /**
   * How many expired streams one call frees at most: enough to outpace their creation (each costs
   * at least one call), few enough that no call pays for a large backlog.
   */
  private static final int SWEEP_PER_CALL = 8;

  private static final Logger log = LoggerFactory.getLogger(InMemoryTransport.class);

  private final int historySize;
  private final TimeSource time;

  /**
   * The channels held. An entry is created, changed and removed only inside {@code compute} on its
   * key, so that a channel is never removed between being looked up and being written to.
   */
  private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();

  /**
   * Streams with a retention, by deadline: one live entry per {@link Channel}, and the entries it
   * superseded when a retention was shortened, each dropped when it falls due.
   */
  private final PriorityQueue<Expiry> expiries = new PriorityQueue<>();

  private final ExecutorService dispatcher =
      Executors.newSingleThreadExecutor(new NamedThreadFactory("realtime-inmemory"));
  private volatile boolean closed;

  private InMemoryTransport(Builder builder) {
    this.historySize = builder.historySize;
    this.time = builder.timeSource;
  }

  /**
   * Creates a transport retaining {@value #DEFAULT_HISTORY_SIZE} messages per stream channel, on
   * the system clock.
   *
   * @return the transport
   */
  public static InMemoryTransport create() {
    return builder().build();
  }

  /**
   * Creates a transport with another history bound, on the system clock.
   *
   * @param historySize messages retained per stream channel, at least 1
   * @return the transport
   */
  public static InMemoryTransport withHistorySize(int historySize) {
    return builder().historySize(historySize).build();
  }

  /**
   * Returns a builder with the defaults of {@link #create()}.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<StreamPosition> append(
      String channel, String payload, String messageId, Duration retention) {
    Objects.requireNonNull(payload, "payload");
    requireOpen(channel);
    if (retention != null) {
      Durations.requirePositive("retention", retention);
    }
    sweep(SWEEP_PER_CALL);
    StreamPosition[] position = new StreamPosition[1];
    channels.compute(
        channel,
        (name, current) -> {
          Channel state = current != null ? current : new Channel(name, historySize);
          long now = time.nanoTime();
          state.expireIfDue(now);
          StreamPosition stored = messageId == null ? null : state.appendedIds.get(messageId);
          if (stored != null) {
            position[0] = stored;
            return state;
          }
          if (state.epoch == null) {
            state.epoch = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
          }
          TransportMessage message =
              new TransportMessage(name, payload, ++state.latest, state.epoch);
          state.history.addLast(message);
          if (state.history.size() > historySize) {
            state.history.removeFirst();
          }
          position[0] = new StreamPosition(message.seq(), message.epoch());
          if (messageId != null) {
            state.appendedIds.put(messageId, position[0]);
          }
          retain(state, retention, now);
          dispatch(state, message);
          return state;
        });
    return CompletableFuture.completedFuture(position[0]);
  }

  @Override
  public CompletionStage<Void> publish(String channel, String payload) {
    Objects.requireNonNull(payload, "payload");
    requireOpen(channel);
    sweep(SWEEP_PER_CALL);
    // Without subscribers there is nobody to tell and nothing to store: no entry is made.
    channels.computeIfPresent(
        channel,
        (name, state) -> {
          dispatch(state, TransportMessage.plain(name, payload));
          return state;
        });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    Objects.requireNonNull(listener, "listener");
    requireOpen(channel);
    sweep(SWEEP_PER_CALL);
    Subscription[] made = new Subscription[1];
    channels.compute(
        channel,
        (name, current) -> {
          Channel state = current != null ? current : new Channel(name, historySize);
          made[0] = new Subscription(state, listener);
          state.subscribers.add(made[0]);
          return state;
        });
    return made[0];
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    requireOpen(channel);
    sweep(SWEEP_PER_CALL);
    StreamHistory[] read = {StreamHistory.empty(channel)};
    channels.computeIfPresent(
        channel,
        (name, state) -> {
          state.expireIfDue(time.nanoTime());
          if (state.epoch != null) {
            List<TransportMessage> after = new ArrayList<>();
            for (TransportMessage message : state.history) {
              if (message.seq() > offset) {
                after.add(message);
              }
            }
            long oldest = state.history.isEmpty() ? 0 : state.history.peekFirst().seq();
            read[0] = new StreamHistory(name, state.epoch, oldest, state.latest, after);
          }
          return state.isEmpty() ? null : state;
        });
    return read[0];
  }

  /**
   * Returns how many channels the transport holds: those with subscribers or a stored stream (a
   * stream past its retention may be counted until a later call frees it). For observability and
   * tests; it frees nothing itself.
   *
   * @return the count
   */
  public int channelCount() {
    return channels.size();
  }

  @Override
  public String name() {
    return "in-memory";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Channel state : channels.values()) {
      state.subscribers.forEach(Subscription::close);
    }
    dispatcher.shutdown();
  }

  private void requireOpen(String name) {
    if (closed) {
      throw new IllegalStateException(
          "in-memory transport is closed; channel " + name + " refused");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("channel must not be blank, got '" + name + "'");
    }
  }

  /** Sets the stream's deadline after an append; inside the channel's {@code compute}. */
  private void retain(Channel state, Duration retention, long now) {
    if (retention == null) {
      state.retained = false;
      return;
    }
    state.retained = true;
    state.deadline = now + saturatedNanos(retention);
    // A later deadline is found by the queued entry when it falls due; an earlier one (a job_end's
    // hour after lines' day) needs its own entry, or the stream would be held until the later one.
    if (state.queued == null || state.deadline - state.queued.deadline < 0) {
      queue(state);
    }
  }

  /** Queues the stream's deadline; the entry queued before, if any, is superseded. */
  private void queue(Channel state) {
    state.queued = new Expiry(state.deadline, state);
    synchronized (expiries) {
      expiries.add(state.queued);
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2; // centuries: never, in practice
    }
  }

  /**
   * Frees up to {@code max} streams whose deadline passed, oldest deadline first. A stream appended
   * to since its entry was queued is queued again at its new deadline; a superseded entry is
   * dropped.
   */
  private void sweep(int max) {
    long now = time.nanoTime();
    for (int i = 0; i < max; i++) {
      Expiry due;
      synchronized (expiries) {
        Expiry head = expiries.peek();
        if (head == null || head.deadline - now > 0) {
          return;
        }
        due = expiries.poll();
      }
      channels.computeIfPresent(
          due.channel.name,
          (name, state) -> {
            if (state != due.channel || state.queued != due) {
              // A channel made after this one was removed, or a deadline shortened since: each
              // has its own entry.
              return state;
            }
            state.queued = null;
            state.expireIfDue(now);
            if (state.retained) {
              queue(state);
            }
            return state.isEmpty() ? null : state;
          });
    }
  }

  /** Called inside the channel's {@code compute}, so the dispatcher's queue is in channel order. */
  private void dispatch(Channel state, TransportMessage message) {
    if (state.subscribers.isEmpty()) {
      return;
    }
    try {
      dispatcher.execute(() -> deliver(state, message));
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("in-memory transport is closed", e);
    }
  }

  private static void deliver(Channel state, TransportMessage message) {
    for (Subscription subscription : state.subscribers) {
      if (subscription.isActive()) {
        try {
          subscription.listener.onMessage(message);
        } catch (RuntimeException e) {
          log.warn("Listener on channel {} failed; it stays subscribed", state.name, e);
        }
      }
    }
  }

  /** Removes a subscriber, and the channel with it if nothing else holds it. */
  private void unsubscribe(Subscription subscription) {
    channels.computeIfPresent(
        subscription.state.name,
        (name, state) -> {
          state.subscribers.remove(subscription);
          return state.isEmpty() ? null : state;
        });
    // A channel already replaced by a newer one under the same name no longer lists it.
    subscription.state.subscribers.remove(subscription);
  }

  /** A deadline queued for a channel's stream; ordered by deadline. */
  private record Expiry(long deadline, Channel channel) implements Comparable<Expiry> {
    @Override
    public int compareTo(Expiry other) {
      return Long.compare(deadline - other.deadline, 0);
    }
  }

  /** A channel's state; read and written inside {@code compute} on its key (see channels). */
  private static final class Channel {
    private final String name;
    private final ArrayDeque<TransportMessage> history = new ArrayDeque<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();

    /** The ids of the latest appends, as many as the history holds: the deduplication window. */
    private final Map<String, StreamPosition> appendedIds;

    /** The stream's epoch; {@code null} while no stream is stored. */
    private String epoch;

    private long latest;

    /** Whether the last append gave a retention; then the stream goes at {@code deadline}. */
    private boolean retained;

    private long deadline;

    /**
     * The {@link Expiry} of this channel that counts, or {@code null}; entries it superseded (at
     * later deadlines) are skipped when they fall due.
     */
    private Expiry queued;

    private Channel(String name, int historySize) {
      this.name = name;
      this.appendedIds =
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StreamPosition> eldest) {
              return size() > historySize;
            }
          };
    }

    /** Deletes the stream if its retention passed; its subscribers stay. */
    void expireIfDue(long now) {
      if (retained && deadline - now <= 0) {
        retained = false;
        epoch = null;
        latest = 0;
        history.clear();
        appendedIds.clear();
      }
    }

    boolean isEmpty() {
      return epoch == null && subscribers.isEmpty();
    }
  }

  private final class Subscription implements TransportSubscription {
    private final Channel state;
    private final TransportListener listener;
    private volatile boolean active = true;

    private Subscription(Channel state, TransportListener listener) {
      this.state = state;
      this.listener = listener;
    }

    @Override
    public String channel() {
      return state.name;
    }

    @Override
    public boolean isActive() {
      return active;
    }

    @Override
    public void close() {
      if (!active) {
        return;
      }
      active = false;
      unsubscribe(this);
    }
  }

  /** Builds an {@link InMemoryTransport}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private int historySize = DEFAULT_HISTORY_SIZE;
    private TimeSource timeSource = TimeSource.system();

    private Builder() {}

    /**
     * Sets how many messages a stream channel retains; {@value
     * InMemoryTransport#DEFAULT_HISTORY_SIZE} by default.
     *
     * @param historySize at least 1
     * @return this builder
     */
    public Builder historySize(int historySize) {
      if (historySize < 1) {
        throw new IllegalArgumentException("historySize must be >= 1, got " + historySize);
      }
      this.historySize = historySize;
      return this;
    }

    /**
     * Sets the clock that retentions are measured on (its monotonic reading); the system's by
     * default.
     *
     * @param timeSource the clock
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Builds the transport; it starts its dispatcher thread on the first delivery.
     *
     * @return the transport
     */
    public InMemoryTransport build() {
      return new InMemoryTransport(this);
    }
  }
}
