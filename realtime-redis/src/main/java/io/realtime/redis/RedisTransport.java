package io.realtime.redis;

import io.realtime.internal.NamedThreadFactory;
import io.realtime.redis.internal.ChannelSubscriber;
import io.realtime.redis.internal.RedisConnections;
import io.realtime.redis.internal.StreamFrames;
import io.realtime.redis.internal.StreamScripts;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis transport: several server instances share one Redis, standalone, behind Sentinel, or a
 * Cluster (with sharded pub/sub).
 *
 * <p>Appending to a stream channel runs one Lua script that assigns the next offset, appends to a
 * bounded history and publishes, so every instance agrees on {@code seq} and any instance can
 * replay {@link #since} for a client that reconnects elsewhere. If Redis lost its data, the epoch
 * changes. A message PUBLISHed onto a channel by a producer outside the library ({@code redis-cli
 * PUBLISH security_events '{"type":"event",...}'}) is delivered as a plain message, without {@code
 * seq}.
 *
 * <p>Commands run on a pooled client with the configured timeouts; {@link #append} and {@link
 * #publish} run off the caller's thread and fail after the command timeout at the latest. Each
 * subscribed channel has a dedicated connection and thread, pinged every ping interval; a dead or
 * hung connection is noticed within the ping timeout and its listeners are told ({@link
 * TransportListener#onFailure}). Sentinel failovers are followed.
 */
public final class RedisTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(RedisTransport.class);

  private final RedisTransportConfig config;
  private final RedisConnections connections;
  private final ExecutorService io =
      Executors.newCachedThreadPool(new NamedThreadFactory("realtime-redis-io"));
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("realtime-redis-watchdog"));
  private final Map<String, ChannelSubscriber> subscribers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private RedisTransport(RedisTransportConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.connections = new RedisConnections(config);
    long ping = config.pingInterval().toMillis();
    watchdog.scheduleWithFixedDelay(this::watch, ping, ping, TimeUnit.MILLISECONDS);
    log.info("Redis transport: {}", config);
  }

  /**
   * Creates a transport. Nothing is contacted until the first command or subscription.
   *
   * @param config the configuration
   * @return the transport
   */
  public static RedisTransport create(RedisTransportConfig config) {
    return new RedisTransport(config);
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public RedisTransportConfig config() {
    return config;
  }

  /**
   * Returns the command client, shared with sources and limiters of this module.
   *
   * @return the client
   */
  public UnifiedJedis commands() {
    return connections.commands();
  }

  @Override
  public CompletionStage<StreamPosition> append(String channel, String payload) {
    requireOpen(channel);
    Objects.requireNonNull(payload, "payload");
    return async(
        "append to " + channel,
        () -> {
          List<?> result =
              (List<?>)
                  connections
                      .commands()
                      .eval(
                          StreamScripts.APPEND,
                          keys(channel),
                          List.of(
                              newEpoch(),
                              channel,
                              payload,
                              Integer.toString(config.historySize()),
                              connections.sharded() ? "SPUBLISH" : "PUBLISH"));
          return new StreamPosition(((Number) result.get(0)).longValue(), text(result.get(1)));
        });
  }

  @Override
  public CompletionStage<Void> publish(String channel, String payload) {
    requireOpen(channel);
    Objects.requireNonNull(payload, "payload");
    return async(
        "publish to " + channel,
        () -> {
          publishNow(channel, payload);
          return null;
        });
  }

  private void publishNow(String channel, String payload) {
    if (connections.sharded()) {
      ((RedisClusterClient) connections.commands()).spublish(channel, payload);
    } else {
      connections.commands().publish(channel, payload);
    }
  }

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    requireOpen(channel);
    Objects.requireNonNull(listener, "listener");
    synchronized (subscribers) {
      ChannelSubscriber subscriber = subscribers.get(channel);
      if (subscriber == null || !subscriber.isAlive()) {
        subscriber =
            new ChannelSubscriber(channel, connections, config.pingTimeout(), this::subscriberDone);
        subscriber.addListener(listener);
        subscriber.start(config.connectTimeout().plus(config.commandTimeout()));
        subscribers.put(channel, subscriber);
      } else {
        subscriber.addListener(listener);
      }
      return new Subscription(subscriber, listener);
    }
  }

  private void subscriberDone(ChannelSubscriber subscriber) {
    subscribers.remove(subscriber.channel(), subscriber);
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    requireOpen(channel);
    List<?> result;
    try {
      result =
          (List<?>)
              connections
                  .commands()
                  .eval(
                      StreamScripts.SINCE,
                      keys(channel),
                      List.of(newEpoch(), Long.toString(Math.max(0, offset))));
    } catch (RuntimeException e) {
      throw failure("read the history of " + channel, e);
    }
    String epoch = text(result.get(0));
    long latest = Long.parseLong(text(result.get(1)));
    long oldest = 0;
    if (result.get(2) != null) {
      TransportMessage first = StreamFrames.read(channel, text(result.get(2)));
      oldest = first.isStream() ? first.seq() : 0;
    }
    List<TransportMessage> after = new ArrayList<>();
    for (Object frame : (List<?>) result.get(3)) {
      TransportMessage message = StreamFrames.read(channel, text(frame));
      if (message.isStream() && message.seq() > offset) {
        after.add(message);
      }
    }
    return new StreamHistory(channel, epoch, oldest, Math.max(latest, oldest), after);
  }

  @Override
  public String name() {
    return "redis(" + config.mode().name().toLowerCase(Locale.ROOT) + " " + config.nodes() + ")";
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.shutdownNow();
    synchronized (subscribers) {
      subscribers.values().forEach(ChannelSubscriber::stop);
      subscribers.clear();
    }
    io.shutdownNow();
    connections.close();
  }

  private void watch() {
    for (ChannelSubscriber subscriber : subscribers.values()) {
      boolean moved = false;
      if (config.mode() != RedisTransportConfig.Mode.STANDALONE && subscriber.node() != null) {
        try {
          moved = !subscriber.node().equals(connections.nodeFor(subscriber.channel()));
        } catch (RuntimeException e) {
          log.debug("Cannot tell which node serves {}", subscriber.channel(), e);
        }
      }
      subscriber.check(heartbeat -> publishNow(subscriber.channel(), heartbeat), moved);
    }
  }

  /** The three keys of a stream, sharing the channel as hash tag: one cluster slot. */
  private List<String> keys(String channel) {
    String base = config.keyPrefix() + ":{" + channel + "}";
    return List.of(base + ":seq", base + ":history", base + ":epoch");
  }

  private static String newEpoch() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  private <T> CompletionStage<T> async(String what, Callable<T> command) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      io.execute(
          () -> {
            try {
              result.complete(command.call());
            } catch (RuntimeException e) {
              result.completeExceptionally(failure(what, e));
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException("Redis transport is closed", e));
    }
    return result
        .orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            error ->
                CompletableFuture.failedFuture(
                    error instanceof TimeoutException
                        ? new TransportException(
                            "cannot " + what + ": no answer within " + config.commandTimeout(),
                            error)
                        : error));
  }

  private static TransportException failure(String what, RuntimeException e) {
    if (e instanceof TransportException transport) {
      return transport;
    }
    return new TransportException(
        "cannot "
            + what
            + ": "
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
        e);
  }

  private void requireOpen(String channel) {
    if (closed) {
      throw new IllegalStateException("Redis transport is closed; channel " + channel + " refused");
    }
    if (channel == null || channel.isBlank()) {
      throw new IllegalArgumentException("channel must not be blank, got '" + channel + "'");
    }
  }

  @FunctionalInterface
  private interface Callable<T> {
    T call();
  }

  private final class Subscription implements TransportSubscription {
    private final ChannelSubscriber subscriber;
    private final TransportListener listener;
    private volatile boolean active = true;

    private Subscription(ChannelSubscriber subscriber, TransportListener listener) {
      this.subscriber = subscriber;
      this.listener = listener;
    }

    @Override
    public String channel() {
      return subscriber.channel();
    }

    @Override
    public boolean isActive() {
      return active && subscriber.isAlive() && !closed;
    }

    @Override
    public void close() {
      if (!active) {
        return;
      }
      active = false;
      synchronized (subscribers) {
        if (subscriber.remove(listener)) {
          subscriber.stop();
          subscribers.remove(subscriber.channel(), subscriber);
        }
      }
    }
  }
}
