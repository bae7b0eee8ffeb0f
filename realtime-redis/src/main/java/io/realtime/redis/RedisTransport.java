package io.realtime.redis;

import io.realtime.internal.util.Durations;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.observe.RealtimeObserver;
import io.realtime.redis.internal.ChannelSubscriber;
import io.realtime.redis.internal.CommandLanes;
import io.realtime.redis.internal.JedisVersionCheck;
import io.realtime.redis.internal.RedisConnections;
import io.realtime.redis.internal.StreamFrames;
import io.realtime.redis.internal.StreamMarks;
import io.realtime.redis.internal.StreamScripts;
import io.realtime.redis.internal.SubscriberConnection;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Redis transport: several server instances share one Redis, standalone, behind Sentinel, or a
 * Cluster (with sharded pub/sub).
 *
 * <p>Appending to a stream channel runs one Lua script that assigns the next offset, appends to a
 * bounded history and publishes, so every instance agrees on {@code seq} and any instance can
 * replay {@link #since} for a client that reconnects elsewhere. A message PUBLISHed onto a channel
 * by a producer outside the library ({@code redis-cli PUBLISH security_events
 * '{"type":"event",...}'}) is delivered as a plain message, without {@code seq}.
 *
 * <p>What it guarantees:
 *
 * <ul>
 *   <li><b>Appends are idempotent.</b> An append with a message id stores the id (with its
 *       position) for the deduplication window ({@link RedisTransportConfig#deduplicationWindow()},
 *       10 minutes by default) in the same script; appending the same id again in the window, a
 *       retry after a timeout whose first attempt ran anyway or an outbox flush, stores and
 *       publishes nothing and completes with the first position. An append without id is not
 *       deduplicated.
 *   <li><b>Offsets never go back silently.</b> If Redis lost a channel's data, the epoch changes.
 *       If it came back with <em>older</em> data and the epoch key (a restart from an older
 *       snapshot, a lagging replica promoted), this instance notices from what it saw itself: it
 *       remembers the highest offset it saw in the epoch and the SHA-1 of the frame it saw there.
 *       An append or read finding the counter below that offset, or another frame at that offset in
 *       the history (an instance that saw nothing pushed the reused counter past it), moves the
 *       stream to a new epoch (the old history is dropped); so does a live message whose offset is
 *       not above the previous one, and then the channel's listeners also hear {@code onFailure},
 *       so that they catch up from the history and meet the new epoch. If fencing the epoch then
 *       fails, this instance's next append or read of the channel ends it. Readers resyncing from
 *       the old epoch are then told that nothing can be recovered, rather than have reissued
 *       offsets dropped as duplicates. A client's offset never changes the epoch. Limits: once the
 *       frame at this instance's mark is trimmed from the history, only the counter can be
 *       compared; an instance that saw nothing of a channel (freshly started) cannot tell, until
 *       one that did acts; what is remembered is bounded (10,000 channels, least recently used
 *       forgotten); a stream that vanishes is taken to have expired (its mark is forgotten and it
 *       reads as empty), also if Redis lost it, unless this instance knows it to be persistent (it
 *       appended it without retention, or read it without TTL; hearing it live tells nothing). Only
 *       the channel's current subscriber is heard: one given up on, replaced, or still read on a
 *       connection being replaced never judges offsets.
 *   <li><b>Call order is history order.</b> Appends and publishes to one channel from this instance
 *       reach Redis in the order they were called, even when the caller does not wait for each:
 *       they wait in the channel's lane and are sent one batch at a time, pipelined on one
 *       connection, while other channels run in parallel. A command that failed or timed out is not
 *       retried by the transport; its caller's retry comes after what was called meanwhile.
 *   <li><b>Bounded threads.</b> Commands run on {@link RedisTransportConfig#commandThreads()}
 *       threads with as many pooled connections and a bounded queue (for appends and publishes: the
 *       lanes, at most {@link RedisTransportConfig#commandQueueSize()} commands in all); {@link
 *       #append}, {@link #publish} and {@link #probe} run off the caller's thread and fail after
 *       the command timeout at the latest, at once with a {@link TransportException} when the queue
 *       is full (counted by {@link #rejectedCommands()}). A command whose caller already gave up is
 *       not sent. A command that times out completes on this transport's {@code
 *       realtime-redis-timeout} thread, where the caller's callbacks then run: they should hand
 *       slow work off.
 *   <li><b>Cluster channel names</b> must not contain <code>{</code> or <code>}</code>: the
 *       stream's keys are hash-tagged with the channel, so that they share its slot; such a name is
 *       refused at once with an {@link IllegalArgumentException}.
 *   <li><b>Subscriptions cost no connection or thread per channel.</b> Channels are multiplexed
 *       over a fixed few subscriber connections, added and removed with {@code SUBSCRIBE} and
 *       {@code UNSUBSCRIBE} as listeners come and go: {@link
 *       RedisTransportConfig#subscriberConnections()} of them (1 by default; a channel goes to one
 *       by its hash) standalone or behind Sentinel, and in Cluster mode one per master owning a
 *       subscribed channel's slot, with {@code SSUBSCRIBE}. Each has one reading thread; their
 *       commands are written by a shared writer. A subscriber connection that carries no channel
 *       for the ping timeout is closed.
 *   <li><b>Subscribing never waits on Redis.</b> {@link #subscribe} returns at once, holding no
 *       lock across a network call: the channel's {@code SUBSCRIBE} is sent once its connection is
 *       open, and {@link TransportSubscription#confirmed()} completes when Redis confirms it, or
 *       fails with a {@link TransportException} after the connect and command timeouts (or at once
 *       when the connection cannot be opened); its listeners are then not told, and the
 *       subscription is inactive. The stage completes on one of the delivery threads, never on a
 *       connection's reading thread: what is chained to it should still hand slow work off.
 *   <li><b>Listeners never stall the connection.</b> Each subscriber connection is pinged every
 *       ping interval (one PING per connection, not per channel); a dead or hung connection is
 *       noticed within the ping timeout, and so is a connection whose node no longer serves its
 *       channels (a Sentinel failover, a Cluster shard that lost them). It is then closed and every
 *       channel it carried ends: their listeners are told ({@link TransportListener#onFailure}),
 *       their owners subscribe again (on a new connection to the right node) and catch up from the
 *       history. The reading thread only reads: messages go to a bounded queue per channel,
 *       delivered in order by {@link RedisTransportConfig#deliveryThreads()} shared threads; a
 *       channel whose queue overflows ends its own subscription with {@code onFailure} (its owners
 *       catch up from the history), not the connection. A listener added as its channel's
 *       subscription ends either joins a new one or hears {@code onFailure}, never nothing.
 *   <li><b>Reading creates nothing.</b> {@link #since} of a stream that does not exist (never
 *       appended to, or expired) answers {@link StreamHistory#empty} and leaves no key and no mark.
 *       A stream this instance knows to be persistent whose keys vanished is a loss, not an empty
 *       stream: the read starts a new epoch, so that readers learn of the hole.
 *   <li><b>Streams can expire.</b> An append with a retention sets it on the stream's counter,
 *       history and epoch keys (each append anew); one without removes any: a stream appended
 *       without retention keeps no earlier TTL. Message ids keep their own deduplication window.
 *   <li><b>Liveness is cheap to check.</b> {@link #probe} sends a PING on a fresh connection.
 * </ul>
 *
 * <p>Sentinel failovers are followed.
 */
public final class RedisTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(RedisTransport.class);

  private final RedisTransportConfig config;
  private final RedisConnections connections;
  private final RealtimeObserver observer;

  /** How many channels' offsets this instance remembers to detect a rollback. */
  private static final int MARKED_CHANNELS = 10_000;

  private final ThreadPoolExecutor io;
  private final CommandLanes<Queued<?>> lanes;
  private final ScheduledThreadPoolExecutor timeouts;
  private final ThreadPoolExecutor delivery;
  private final AtomicLong rejected = new AtomicLong();
  private final StreamMarks marks = new StreamMarks(MARKED_CHANNELS);
  private final AtomicReference<CompletableFuture<Void>> probing = new AtomicReference<>();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("realtime-redis-watchdog"));
  private final Map<String, ChannelSubscriber> subscribers = new ConcurrentHashMap<>();

  /**
   * The subscriber connections, by hash bucket (standalone, Sentinel) or node (Cluster); changed
   * under the subscribers' lock.
   */
  private final Map<Object, SubscriberConnection> carriers = new ConcurrentHashMap<>();

  /** Writes the subscriber connections' commands: one turn per connection at a time. */
  private final ThreadPoolExecutor writers;

  /** Commands handed over and not yet completed: failed on close, whose threads stop them. */
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

  private volatile boolean closed;

  private RedisTransport(RedisTransportConfig config, RealtimeObserver observer) {
    this.config = Objects.requireNonNull(config, "config");
    this.observer = RealtimeObserver.guarded(observer);
    this.connections = new RedisConnections(config);
    this.io =
        new ThreadPoolExecutor(
            config.commandThreads(),
            config.commandThreads(),
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(config.commandQueueSize()),
            new NamedThreadFactory("realtime-redis-io"),
            new ThreadPoolExecutor.AbortPolicy());
    io.allowCoreThreadTimeOut(true);
    this.lanes = new CommandLanes<>(io, config.commandQueueSize(), this::runInOrder);
    // a command's timeout completes it on this transport's own thread, not on the JVM-wide delayer
    // of CompletableFuture.orTimeout, since the caller's callbacks run on the completing thread
    this.timeouts =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("realtime-redis-timeout"));
    timeouts.setRemoveOnCancelPolicy(true);
    this.delivery =
        new ThreadPoolExecutor(
            config.deliveryThreads(),
            config.deliveryThreads(),
            1,
            TimeUnit.MINUTES,
            // at most one task per subscribed channel waits here: bounded by the channels
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory("realtime-redis-delivery"));
    delivery.allowCoreThreadTimeOut(true);
    // at most one writing turn per subscriber connection: as many threads as connections at most
    this.writers =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new NamedThreadFactory("realtime-redis-sub-writer"));
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
    return create(config, RealtimeObserver.NOOP);
  }

  /**
   * Creates a transport that tells {@code observer} how long each append and publish took ({@link
   * RealtimeObserver#transportPublished}, transport {@code redis}), from the call to the completion
   * of its stage, queueing included. Nothing is contacted until the first command or subscription.
   *
   * @param config the configuration
   * @param observer the observer; it never throws into the transport
   * @return the transport
   */
  public static RedisTransport create(RedisTransportConfig config, RealtimeObserver observer) {
    JedisVersionCheck.require();
    return new RedisTransport(config, Objects.requireNonNull(observer, "observer"));
  }

  /** The transport's name as observers are told it. */
  private static final String OBSERVED_NAME = "redis";

  /**
   * Reports how long a publish took once its stage completes, leaving the stage returned to the
   * caller as it is.
   */
  private <T> CompletionStage<T> timed(
      String operation, long startNanos, CompletionStage<T> stage) {
    if (observer != RealtimeObserver.NOOP) {
      stage.whenComplete(
          (ignored, error) ->
              observer.transportPublished(
                  OBSERVED_NAME, operation, System.nanoTime() - startNanos, error == null));
    }
    return stage;
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
  public CompletionStage<StreamPosition> append(
      String channel, String payload, String messageId, Duration retention) {
    requireOpen(channel);
    Objects.requireNonNull(payload, "payload");
    if (messageId != null && messageId.isBlank()) {
      throw new IllegalArgumentException("messageId must not be blank, got '" + messageId + "'");
    }
    if (retention != null) {
      Durations.requirePositive("retention", retention);
    }
    // PEXPIRE takes whole milliseconds: a retention below one still expires, after one
    String retentionMillis =
        retention == null ? "0" : Long.toString(Math.max(1, retention.toMillis()));
    List<String> keys = new ArrayList<>(keys(channel));
    if (messageId != null) {
      keys.add(base(channel) + ":id:" + messageId);
    }
    return queued(
        "append",
        "append to " + channel,
        channel,
        new Pipelined<StreamPosition>() {
          private StreamMarks.Mark seen;

          @Override
          public Response<?> send(AbstractPipeline pipeline) {
            seen = marks.get(channel);
            return pipeline.eval(
                StreamScripts.APPEND,
                keys,
                List.of(
                    newEpoch(),
                    channel,
                    payload,
                    Integer.toString(config.historySize()),
                    connections.sharded() ? "SPUBLISH" : "PUBLISH",
                    Long.toString(config.deduplicationWindow().toMillis()),
                    seen == null ? "" : seen.epoch(),
                    seen == null ? "0" : Long.toString(seen.highest()),
                    digestArgument(seen),
                    seen == null ? "" : seen.left(),
                    retentionMillis));
          }

          @Override
          public StreamPosition finish(Object reply) {
            List<?> result = (List<?>) reply;
            StreamPosition position =
                new StreamPosition(((Number) result.get(0)).longValue(), text(result.get(1)));
            if (((Number) result.get(2)).longValue() == 1) {
              log.debug(
                  "Append of {} to {} was stored already at {}", messageId, channel, position);
            } else {
              observed(channel, seen, position.epoch(), position.seq(), text(result.get(3)));
              marks.expires(channel, retention != null);
            }
            return position;
          }
        });
  }

  /** Notes what a script answered; an epoch other than the one seen last is worth a line. */
  private void observed(
      String channel, StreamMarks.Mark seen, String epoch, long seq, String digest) {
    if (seen != null && !seen.epoch().equals(epoch)) {
      log.warn(
          "Stream {} moved from epoch {} (offsets up to {} seen here) to {}: Redis lost or rolled"
              + " back its data, readers of the old epoch are told nothing can be recovered",
          channel,
          seen.epoch(),
          seen.highest(),
          epoch);
    }
    marks.observed(channel, epoch, seq, digest);
  }

  /** What the scripts compare the frame at the mark with; {@code "-"} ends an epoch gone back. */
  private static String digestArgument(StreamMarks.Mark seen) {
    if (seen == null) {
      return "";
    }
    return seen.wentBack() ? "-" : seen.digest();
  }

  @Override
  public CompletionStage<Void> publish(String channel, String payload) {
    requireOpen(channel);
    Objects.requireNonNull(payload, "payload");
    return queued(
        "publish",
        "publish to " + channel,
        channel,
        new Pipelined<Void>() {
          @Override
          public Response<?> send(AbstractPipeline pipeline) {
            // a cluster pipeline routes by key: the channel, as key of a script, picks its shard
            return connections.sharded()
                ? pipeline.eval(SHARDED_PUBLISH, List.of(channel), List.of(payload))
                : pipeline.publish(channel, payload);
          }

          @Override
          public Void finish(Object reply) {
            return null;
          }
        });
  }

  /** SPUBLISH from a script whose one key is the channel, so that a cluster pipeline routes it. */
  private static final String SHARDED_PUBLISH = "return redis.call('SPUBLISH', KEYS[1], ARGV[1])";

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    requireOpen(channel);
    Objects.requireNonNull(listener, "listener");
    ChannelSubscriber subscriber;
    boolean made = false;
    // held for bookkeeping only, never across a network call: a subscribe waits for nothing
    synchronized (subscribers) {
      if (closed) {
        // close() took its list of connections: one made now would never be closed
        throw new IllegalStateException(
            "Redis transport is closed; channel " + channel + " refused");
      }
      subscriber = subscribers.get(channel);
      // a subscriber ending right now refuses the listener, which then gets a new one: a listener
      // joining a dying subscriber is never left without onFailure
      if (subscriber == null || !subscriber.addListener(listener)) {
        subscriber =
            new ChannelSubscriber(
                channel,
                delivery,
                config.deliveryQueueSize(),
                this::heardLive,
                this::subscriberDone);
        subscriber.addListener(listener);
        // the channel's current subscriber before it hears anything: only its observations count
        subscribers.put(channel, subscriber);
        made = true;
        assign(subscriber);
      }
    }
    if (made) {
      confirmWithin(subscriber, config.connectTimeout().plus(config.commandTimeout()));
    }
    return new Subscription(subscriber, listener);
  }

  /**
   * Puts a new subscriber on the connection for its channel (under the subscribers' lock, so that
   * the SUBSCRIBE is queued after the UNSUBSCRIBE of the subscriber it replaces): by hash over the
   * configured subscriber connections, or the connection to the channel's shard in Cluster mode. A
   * connection that ended is replaced by a new one, opened on its own thread.
   */
  private void assign(ChannelSubscriber subscriber) {
    Object key;
    HostAndPort node;
    try {
      node = connections.nodeFor(subscriber.channel());
      key =
          connections.sharded()
              ? node
              : Math.floorMod(subscriber.channel().hashCode(), config.subscriberConnections());
    } catch (RuntimeException e) {
      subscriber.kill(e.getMessage());
      return;
    }
    SubscriberConnection connection = carriers.get(key);
    if (connection != null && !connection.node().equals(node)) {
      // the master moved and the watchdog did not see it yet: no new channel goes to the old one
      connection.kill("the master moved from " + connection.node() + " to " + node);
    } else if (connection != null && connection.add(subscriber)) {
      return;
    }
    String name = node + (connections.sharded() ? "" : "-" + key);
    connection =
        new SubscriberConnection(
            name, connections, node, config.pingTimeout(), writers, this::connectionDead);
    carriers.put(key, connection);
    connection.add(subscriber);
    connection.start();
  }

  /** Fails a subscriber's confirmation if Redis did not give it in time. */
  private void confirmWithin(ChannelSubscriber subscriber, Duration timeout) {
    ScheduledFuture<?> timer;
    try {
      timer =
          timeouts.schedule(
              () -> subscriber.kill("no confirmation within " + timeout),
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      subscriber.stop();
      return;
    }
    subscriber.confirmed().whenComplete((ignored, error) -> timer.cancel(false));
  }

  private void connectionDead(SubscriberConnection connection) {
    synchronized (subscribers) {
      carriers.values().remove(connection);
    }
    if (connections.sharded()) {
      // a shard lost: its slots may have moved, and the channels' owners subscribe again at once
      connections.topologyChanged();
    }
  }

  /**
   * On the reading thread of the channel's connection, in channel order: a live offset not above
   * the previous one of the same epoch means Redis's counter went back. The epoch is fenced off
   * (every instance then sees a new one) and the channel's listeners are told, so that they catch
   * up from the history.
   */
  private void heardLive(ChannelSubscriber subscriber, TransportMessage message) {
    // a subscriber being replaced or stopped (one whose confirmation came too late) may still read
    // the same messages as the current one: its offsets would look like the counter going back
    if (subscribers.get(message.channel()) != subscriber || !subscriber.isListening()) {
      return;
    }
    if (!marks.heardLive(
        message.channel(), message.epoch(), message.seq(), StreamFrames.digest(message))) {
      return;
    }
    String channel = message.channel();
    log.warn(
        "Stream {} went back to offset {} of epoch {}: Redis rolled back its data; fencing the"
            + " epoch",
        channel,
        message.seq(),
        message.epoch());
    async(
            "fence epoch " + message.epoch() + " of " + channel,
            config.commandTimeout(),
            () ->
                text(
                    connections
                        .commands()
                        .eval(
                            StreamScripts.FENCE,
                            keys(channel),
                            List.of(newEpoch(), message.epoch()))))
        .whenComplete(
            (epoch, error) -> {
              if (error != null) {
                // the mark stays gone back: this instance's next read (the listeners' catch-up) or
                // append ends the epoch in its script
                log.warn("Cannot fence epoch {} of {}", message.epoch(), channel, error);
              } else {
                marks.observed(channel, epoch, 0, "");
              }
              subscriber.kill(
                  "offset "
                      + message.seq()
                      + " of epoch "
                      + message.epoch()
                      + " came again: Redis rolled back, the stream moved to epoch "
                      + (error == null ? epoch : "(unknown: fencing failed)"));
            });
  }

  private void subscriberDone(ChannelSubscriber subscriber) {
    synchronized (subscribers) {
      subscribers.remove(subscriber.channel(), subscriber);
      SubscriberConnection connection = subscriber.connection();
      if (connection != null) {
        connection.remove(subscriber);
      }
    }
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    requireOpen(channel);
    StreamMarks.Mark seen = marks.get(channel);
    List<?> result;
    try {
      result =
          (List<?>)
              connections
                  .commands()
                  .eval(
                      StreamScripts.SINCE,
                      keys(channel),
                      List.of(
                          newEpoch(),
                          Long.toString(Math.max(0, offset)),
                          seen == null ? "" : seen.epoch(),
                          seen == null ? "0" : Long.toString(seen.highest()),
                          digestArgument(seen),
                          seen == null ? "" : seen.left(),
                          marks.persistent(channel) ? "0" : "1"));
    } catch (RuntimeException e) {
      throw failure("read the history of " + channel, e);
    }
    String epoch = text(result.get(0));
    if (epoch.isEmpty()) {
      // no such stream: never appended to, or expired (nothing lost); nothing of it is kept here
      marks.forget(channel);
      return StreamHistory.empty(channel);
    }
    long latest = Long.parseLong(text(result.get(1)));
    observed(channel, seen, epoch, latest, text(result.get(4)));
    marks.expires(channel, ((Number) result.get(5)).longValue() > 0);
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

  /**
   * Returns how many commands were refused because every command thread was busy and the queue was
   * full.
   *
   * @return the count since creation
   */
  public long rejectedCommands() {
    return rejected.get();
  }

  /**
   * Checks that Redis answers now: a PING on a fresh connection (not a pooled one), bounded by the
   * connect and command timeouts. Probes asked for while one is running share its answer.
   *
   * @return a stage completing when Redis answered, or exceptionally with a {@link
   *     TransportException}
   */
  @Override
  public CompletionStage<Void> probe() {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("Redis transport is closed; probe refused"));
    }
    while (true) {
      CompletableFuture<Void> running = probing.get();
      if (running != null) {
        return running.copy();
      }
      CompletableFuture<Void> mine = new CompletableFuture<>();
      if (probing.compareAndSet(null, mine)) {
        async(
                "reach Redis",
                config.connectTimeout().plus(config.commandTimeout()),
                () -> {
                  connections.ping();
                  return (Void) null;
                })
            .whenComplete(
                (ignored, error) -> {
                  probing.set(null);
                  if (error == null) {
                    mine.complete(null);
                  } else {
                    mine.completeExceptionally(error);
                  }
                });
        return mine.copy();
      }
    }
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
    List<ChannelSubscriber> stopping;
    List<SubscriberConnection> carrying;
    synchronized (subscribers) {
      stopping = new ArrayList<>(subscribers.values());
      carrying = new ArrayList<>(carriers.values());
    }
    stopping.forEach(ChannelSubscriber::stop);
    carrying.forEach(SubscriberConnection::close);
    io.shutdownNow();
    writers.shutdownNow();
    timeouts.shutdownNow();
    delivery.shutdownNow();
    failPending();
    connections.close();
  }

  /**
   * The watchdog's turn, per connection and never per channel: a connection whose node no longer
   * serves its channels (a Sentinel failover; in Cluster mode, checked on one of its channels per
   * turn, a shard that lost its slots) is ended, so that its channels' owners subscribe again on
   * the right node; the others are pinged.
   */
  private void watch() {
    long now = System.nanoTime();
    List<SubscriberConnection> current;
    synchronized (subscribers) {
      current = new ArrayList<>(carriers.values());
    }
    for (SubscriberConnection connection : current) {
      String moved = null;
      try {
        moved = movedFrom(connection);
      } catch (RuntimeException e) {
        log.debug("Cannot tell which node serves the channels of {}", connection, e);
      }
      if (moved != null) {
        connection.kill(moved);
      } else {
        connection.check(now);
      }
    }
  }

  /** Why a connection's node no longer serves its channels, or {@code null} if it does. */
  private String movedFrom(SubscriberConnection connection) {
    String sample =
        switch (config.mode()) {
          case STANDALONE -> null;
          case SENTINEL -> "";
          case CLUSTER -> connection.sampleChannel();
        };
    if (sample == null) {
      return null;
    }
    HostAndPort serving = connections.nodeFor(sample);
    if (serving.equals(connection.node())) {
      return null;
    }
    return sample.isEmpty()
        ? "the master moved from " + connection.node() + " to " + serving
        : "channel " + sample + " moved from " + connection.node() + " to " + serving;
  }

  /** The three keys of a stream, sharing the channel as hash tag: one cluster slot. */
  private List<String> keys(String channel) {
    String base = base(channel);
    return List.of(base + ":seq", base + ":history", base + ":epoch");
  }

  /** What a stream's keys start with; a message id's key is {@code <base>:id:<id>}. */
  private String base(String channel) {
    return config.keyPrefix() + ":{" + channel + "}";
  }

  private static String newEpoch() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  /** Runs a command on the command threads; fails at once when refused, after the timeout. */
  private <T> CompletionStage<T> async(String what, Duration timeout, Callable<T> command) {
    CompletableFuture<T> result = new CompletableFuture<>();
    return bounded(
        what,
        timeout,
        result,
        () ->
            io.execute(
                () -> {
                  if (result.isDone()) {
                    return; // its caller gave up while it waited: sending it now only runs it late
                  }
                  try {
                    result.complete(command.call());
                  } catch (RuntimeException e) {
                    result.completeExceptionally(failure(what, e));
                  }
                }));
  }

  /**
   * Runs a command of a channel after the ones given before for it, pipelined with those waiting
   * with it on one connection: call order is Redis's order. Fails at once when refused, after the
   * command timeout. The observer is told how long it took as {@code operation}.
   */
  private <T> CompletionStage<T> queued(
      String operation, String what, String channel, Pipelined<T> command) {
    long start = System.nanoTime();
    CompletableFuture<T> result = new CompletableFuture<>();
    return timed(
        operation,
        start,
        bounded(
            what,
            config.commandTimeout(),
            result,
            () -> lanes.execute(channel, new Queued<>(what, result, command))));
  }

  /** One turn of a channel's lane: its waiting commands in one pipeline, in order. */
  private void runInOrder(List<Queued<?>> batch) {
    List<Queued<?>> live = new ArrayList<>();
    for (Queued<?> queued : batch) {
      // a command whose caller gave up while it waited is not sent: it would only run late
      if (!queued.result().isDone()) {
        live.add(queued);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    List<Response<?>> responses = new ArrayList<>(live.size());
    try (AbstractPipeline pipeline = connections.commands().pipelined()) {
      for (Queued<?> queued : live) {
        responses.add(queued.command().send(pipeline));
      }
      pipeline.sync();
    } catch (RuntimeException e) {
      live.forEach(queued -> queued.result().completeExceptionally(failure(queued.what(), e)));
      return;
    }
    for (int i = 0; i < live.size(); i++) {
      live.get(i).finish(responses.get(i));
    }
  }

  /**
   * Completes {@code result} by the timeout on the timeout thread, after {@code start} handed the
   * command over; fails it at once when that was refused.
   */
  private <T> CompletionStage<T> bounded(
      String what, Duration timeout, CompletableFuture<T> result, Runnable start) {
    ScheduledFuture<?> timer = null;
    try {
      timer =
          timeouts.schedule(
              () ->
                  result.completeExceptionally(
                      new TransportException(
                          "cannot " + what + ": no answer within " + timeout, null)),
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
      start.run();
    } catch (RejectedExecutionException e) {
      if (timer != null) {
        timer.cancel(false);
      }
      result.completeExceptionally(refused(what, e));
      return result;
    }
    ScheduledFuture<?> scheduled = timer;
    pending.add(result);
    result.whenComplete(
        (ignored, error) -> {
          scheduled.cancel(false);
          pending.remove(result);
        });
    if (closed) {
      failPending();
    }
    return result;
  }

  /** After close: what waited for a thread or a timer that are gone fails instead of hanging. */
  private void failPending() {
    for (CompletableFuture<?> result : pending) {
      result.completeExceptionally(
          new IllegalStateException("Redis transport is closed; the command was not sent"));
    }
  }

  private Exception refused(String what, RejectedExecutionException e) {
    if (closed || io.isShutdown() || timeouts.isShutdown()) {
      return new IllegalStateException("Redis transport is closed", e);
    }
    long count = rejected.incrementAndGet();
    return new TransportException(
        "cannot "
            + what
            + ": all "
            + config.commandThreads()
            + " command threads are busy and "
            + config.commandQueueSize()
            + " commands wait already (Redis slow or unreachable); "
            + count
            + " commands refused so far",
        e);
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
    if (config.mode() == RedisTransportConfig.Mode.CLUSTER
        && (channel.indexOf('{') >= 0 || channel.indexOf('}') >= 0)) {
      // the keys' hash tag is the channel between braces: a brace inside would move the keys to
      // another slot than the channel's SPUBLISH, and every append would fail with CROSSSLOT
      throw new IllegalArgumentException(
          "channel '" + channel + "' contains '{' or '}', which Redis Cluster mode cannot use");
    }
  }

  @FunctionalInterface
  private interface Callable<T> {
    T call();
  }

  /** A command sent in a channel's pipeline, then read from its reply. */
  private interface Pipelined<T> {
    Response<?> send(AbstractPipeline pipeline);

    T finish(Object reply);
  }

  /** A command waiting in its channel's lane. */
  private record Queued<T>(String what, CompletableFuture<T> result, Pipelined<T> command) {
    void finish(Response<?> response) {
      try {
        result.complete(command.finish(response.get()));
      } catch (RuntimeException e) {
        result.completeExceptionally(failure(what, e));
      }
    }
  }

  /** Runs on a delivery thread; inline once they are shut down (the transport is closing). */
  private void offTheReader(Runnable task) {
    try {
      delivery.execute(task);
    } catch (RejectedExecutionException closing) {
      task.run();
    }
  }

  private final class Subscription implements TransportSubscription {
    private final ChannelSubscriber subscriber;
    private final TransportListener listener;

    /**
     * The subscriber's confirmation, completed on a delivery thread: what callers chain to it (a
     * backlog read) must never run on the connection's reading thread, where it would hold every
     * other channel of the connection and, past the ping timeout, end it.
     */
    private final CompletableFuture<Void> confirmation = new CompletableFuture<>();

    private volatile boolean active = true;

    private Subscription(ChannelSubscriber subscriber, TransportListener listener) {
      this.subscriber = subscriber;
      this.listener = listener;
      subscriber
          .confirmed()
          .whenComplete(
              (ignored, error) ->
                  offTheReader(
                      () -> {
                        if (error == null) {
                          confirmation.complete(null);
                        } else {
                          confirmation.completeExceptionally(error);
                        }
                      }));
    }

    @Override
    public String channel() {
      return subscriber.channel();
    }

    @Override
    public boolean isActive() {
      return active && !subscriber.isDone() && !closed;
    }

    @Override
    public CompletionStage<Void> confirmed() {
      return confirmation.copy();
    }

    @Override
    public void close() {
      if (!active) {
        return;
      }
      active = false;
      synchronized (subscribers) {
        if (subscriber.remove(listener)) {
          // ends it; the connection unsubscribes the channel, unless a new subscriber took over
          subscriber.stop();
        }
      }
    }
  }
}
