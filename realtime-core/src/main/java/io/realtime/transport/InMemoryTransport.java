package io.realtime.transport;

import io.realtime.internal.NamedThreadFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * and listeners see each channel in order.
 */
public final class InMemoryTransport implements Transport {

  /** The default number of messages a stream channel retains. */
  public static final int DEFAULT_HISTORY_SIZE = 1_000;

  private static final Logger log = LoggerFactory.getLogger(InMemoryTransport.class);

  private final int historySize;
  private final ConcurrentHashMap<String, Channel> channels = new ConcurrentHashMap<>();
  private final ExecutorService dispatcher =
      Executors.newSingleThreadExecutor(new NamedThreadFactory("realtime-inmemory"));
  private volatile boolean closed;

  private InMemoryTransport(int historySize) {
    if (historySize < 1) {
      throw new IllegalArgumentException("historySize must be >= 1, got " + historySize);
    }
    this.historySize = historySize;
  }

  /**
   * Creates a transport retaining {@value #DEFAULT_HISTORY_SIZE} messages per stream channel.
   *
   * @return the transport
   */
  public static InMemoryTransport create() {
    return new InMemoryTransport(DEFAULT_HISTORY_SIZE);
  }

  /**
   * Creates a transport with another history bound.
   *
   * @param historySize messages retained per stream channel, at least 1
   * @return the transport
   */
  public static InMemoryTransport withHistorySize(int historySize) {
    return new InMemoryTransport(historySize);
  }

  @Override
  public CompletionStage<StreamPosition> append(String channel, String payload) {
    Objects.requireNonNull(payload, "payload");
    Channel state = channel(channel);
    StreamPosition position;
    synchronized (state) {
      TransportMessage message =
          new TransportMessage(channel, payload, ++state.latest, state.epoch);
      state.history.addLast(message);
      if (state.history.size() > historySize) {
        state.history.removeFirst();
      }
      dispatch(state, message);
      position = new StreamPosition(message.seq(), message.epoch());
    }
    return CompletableFuture.completedFuture(position);
  }

  @Override
  public CompletionStage<Void> publish(String channel, String payload) {
    Objects.requireNonNull(payload, "payload");
    Channel state = channel(channel);
    synchronized (state) {
      dispatch(state, TransportMessage.plain(channel, payload));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    Objects.requireNonNull(listener, "listener");
    Channel state = channel(channel);
    Subscription subscription = new Subscription(state, listener);
    state.subscribers.add(subscription);
    return subscription;
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    Channel state = channel(channel);
    synchronized (state) {
      List<TransportMessage> after = new ArrayList<>();
      for (TransportMessage message : state.history) {
        if (message.seq() > offset) {
          after.add(message);
        }
      }
      long oldest = state.history.isEmpty() ? 0 : state.history.peekFirst().seq();
      return new StreamHistory(channel, state.epoch, oldest, state.latest, after);
    }
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

  private Channel channel(String name) {
    if (closed) {
      throw new IllegalStateException(
          "in-memory transport is closed; channel " + name + " refused");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("channel must not be blank, got '" + name + "'");
    }
    return channels.computeIfAbsent(name, Channel::new);
  }

  /** Called under the channel's lock, so the dispatcher's queue is in channel order. */
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

  private static final class Channel {
    private final String name;
    private final String epoch =
        Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    private final ArrayDeque<TransportMessage> history = new ArrayDeque<>();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private long latest;

    private Channel(String name) {
      this.name = name;
    }
  }

  private static final class Subscription implements TransportSubscription {
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
      active = false;
      state.subscribers.remove(this);
    }
  }
}
