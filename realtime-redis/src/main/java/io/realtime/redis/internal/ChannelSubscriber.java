package io.realtime.redis.internal;

import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;

/**
 * One channel's subscription: a dedicated connection and thread running the blocking subscribe
 * loop, shared by every listener of the channel. A watchdog ({@link #check}) proves the connection
 * alive: a PING (or, for sharded channels, a heartbeat published on the channel) must be answered
 * within the ping timeout, or the connection is closed. When the connection ends for any reason but
 * {@link #stop()}, every listener hears {@code onFailure} once and the subscriber is done; the
 * transport opens a new one on the next subscribe.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class ChannelSubscriber {

  private static final Logger log = LoggerFactory.getLogger(ChannelSubscriber.class);

  private final String channel;
  private final RedisConnections connections;
  private final Duration pingTimeout;
  private final Consumer<ChannelSubscriber> onDone;
  private final List<TransportListener> listeners = new CopyOnWriteArrayList<>();
  private final String heartbeatId = UUID.randomUUID().toString();
  private final CountDownLatch subscribed = new CountDownLatch(1);
  private final AtomicBoolean done = new AtomicBoolean();
  private final Object sendLock = new Object();
  private volatile boolean stopping;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile Throwable failure;
  private volatile Jedis jedis;
  private volatile HostAndPort node;
  private PlainListener plain;
  private ShardedListener sharded;

  /**
   * Creates a subscriber; {@link #start} connects.
   *
   * @param channel the channel
   * @param connections where connections come from
   * @param pingTimeout how long the connection may stay silent
   * @param onDone told once when the subscriber ends
   */
  public ChannelSubscriber(
      String channel,
      RedisConnections connections,
      Duration pingTimeout,
      Consumer<ChannelSubscriber> onDone) {
    this.channel = channel;
    this.connections = connections;
    this.pingTimeout = pingTimeout;
    this.onDone = onDone;
  }

  /**
   * Returns the channel.
   *
   * @return the channel
   */
  public String channel() {
    return channel;
  }

  /**
   * Connects and subscribes, waiting at most {@code timeout} for Redis to confirm.
   *
   * @param timeout the wait
   * @throws TransportException if the subscription is not confirmed in time
   */
  public void start(Duration timeout) {
    Thread thread = new Thread(this::run, "realtime-redis-sub-" + channel);
    thread.setDaemon(true);
    thread.start();
    boolean confirmed;
    try {
      confirmed = subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      confirmed = false;
    }
    if (!confirmed || done.get()) {
      stop();
      Throwable cause = failure;
      throw new TransportException(
          "cannot subscribe to "
              + channel
              + (node == null ? "" : " on " + node)
              + (cause == null ? ": no confirmation within " + timeout : ": " + describe(cause)),
          cause);
    }
  }

  private void run() {
    try {
      node = connections.nodeFor(channel);
      jedis = connections.openSubscriber(node);
      lastHeardNanos = System.nanoTime();
      if (connections.sharded()) {
        sharded = new ShardedListener();
        sharded.proceed(jedis.getConnection(), channel);
      } else {
        plain = new PlainListener();
        plain.proceed(jedis.getConnection(), channel);
      }
      if (!stopping) {
        failure = new TransportException("subscription to " + channel + " ended", null);
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      closeConnection();
      finish();
    }
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener
   * @return {@code true} if no listener is left
   */
  public boolean remove(TransportListener listener) {
    listeners.remove(listener);
    return listeners.isEmpty();
  }

  /**
   * Adds a listener.
   *
   * @param listener the listener
   */
  public void addListener(TransportListener listener) {
    listeners.add(listener);
  }

  /**
   * Tells whether the subscription is alive.
   *
   * @return {@code false} once it ended
   */
  public boolean isAlive() {
    return !done.get() && subscribed.getCount() == 0;
  }

  /**
   * The watchdog's turn: closes a silent connection, then asks for a sign of life.
   *
   * @param heartbeat publishes a heartbeat on a sharded channel
   * @param masterMoved whether the node serving the channel changed (a failover)
   */
  public void check(Consumer<String> heartbeat, boolean masterMoved) {
    if (!isAlive()) {
      return;
    }
    if (masterMoved) {
      kill("its node " + node + " no longer serves the channel");
      return;
    }
    long silentNanos = System.nanoTime() - lastHeardNanos;
    if (silentNanos > pingTimeout.toNanos()) {
      kill("no answer for " + Duration.ofNanos(silentNanos).toMillis() + " ms");
      return;
    }
    try {
      if (sharded != null) {
        heartbeat.accept(StreamFrames.HEARTBEAT_PREFIX + heartbeatId);
      } else if (plain != null) {
        synchronized (sendLock) {
          plain.ping();
        }
      }
    } catch (RuntimeException e) {
      kill("ping failed: " + describe(e));
    }
  }

  /**
   * Returns the node the subscriber is connected to.
   *
   * @return the node, or {@code null} before connecting
   */
  public HostAndPort node() {
    return node;
  }

  private void kill(String why) {
    log.warn("Subscriber of {} on {} is dead: {}", channel, node, why);
    failure = new TransportException("subscription to " + channel + " lost: " + why, null);
    closeConnection();
  }

  /** Ends the subscription without telling the listeners. */
  public void stop() {
    stopping = true;
    closeConnection();
  }

  private void closeConnection() {
    Jedis current = jedis;
    if (current != null) {
      try {
        current.disconnect();
      } catch (RuntimeException e) {
        log.debug("Closing the subscriber of {} failed", channel, e);
      }
    }
  }

  private void finish() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    onDone.accept(this);
    if (stopping || subscribed.getCount() > 0) {
      subscribed.countDown();
      return;
    }
    Throwable cause =
        failure == null ? new TransportException("subscription ended", null) : failure;
    for (TransportListener listener : listeners) {
      try {
        listener.onFailure(cause);
      } catch (RuntimeException e) {
        log.warn("Listener of {} failed on onFailure", channel, e);
      }
    }
  }

  private void deliver(String text) {
    lastHeardNanos = System.nanoTime();
    if (StreamFrames.isHeartbeat(text)) {
      return;
    }
    TransportMessage message = StreamFrames.read(channel, text);
    for (TransportListener listener : listeners) {
      try {
        listener.onMessage(message);
      } catch (RuntimeException e) {
        log.warn("Listener on channel {} failed; it stays subscribed", channel, e);
      }
    }
  }

  private static String describe(Throwable error) {
    return error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  private final class PlainListener extends JedisPubSub {
    @Override
    public void onSubscribe(String ignored, int count) {
      subscribed.countDown();
    }

    @Override
    public void onMessage(String ignored, String message) {
      deliver(message);
    }

    @Override
    public void onPong(String ignored) {
      lastHeardNanos = System.nanoTime();
    }
  }

  private final class ShardedListener extends JedisShardedPubSub {
    @Override
    public void onSSubscribe(String ignored, int count) {
      subscribed.countDown();
    }

    @Override
    public void onSMessage(String ignored, String message) {
      deliver(message);
    }
  }
}
