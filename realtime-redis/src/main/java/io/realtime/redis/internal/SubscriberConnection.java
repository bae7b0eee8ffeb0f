package io.realtime.redis.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One pub/sub connection carrying many channels: {@code SUBSCRIBE} ({@code SSUBSCRIBE} in Cluster
 * mode) and {@code UNSUBSCRIBE} are sent on it as channels come and go. Its own thread opens it,
 * then only reads it, handing each message to its channel's {@link ChannelSubscriber}; commands are
 * written by a shared writer, one turn per connection at a time, never by the caller that added or
 * removed a channel, so that no caller waits on Redis. A channel added while the connection is
 * being opened is subscribed once it is open.
 *
 * <p>Liveness is checked per connection, not per channel: the watchdog's {@link #check} asks for a
 * PING each interval (Redis answers it in the subscribed state, sharded too, with RESP2) and ends
 * the connection if nothing was read for the ping timeout. A connection that ends, for whatever
 * reason, tells every channel it carried ({@link ChannelSubscriber#kill}): confirmed ones hear
 * {@code onFailure} and their owners subscribe again (on a new connection) and catch up from the
 * history; pending ones fail their confirmation. One that carried no channel for the ping timeout
 * is closed.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class SubscriberConnection {

  private static final Logger log = LoggerFactory.getLogger(SubscriberConnection.class);

  /** At most this many commands are written in one flush. */
  private static final int WRITE_BATCH = 512;

  private enum Kind {
    SUBSCRIBE,
    UNSUBSCRIBE,
    PING
  }

  /** A command for one channel (or a PING), remembered until Redis answers it. */
  private record Command(Kind kind, String channel, ChannelSubscriber subscriber) {}

  private final String name;
  private final RedisConnections connections;
  private final HostAndPort node;
  private final boolean sharded;
  private final Duration pingTimeout;
  private final Executor writer;
  private final Consumer<SubscriberConnection> onDead;
  private final Object lock = new Object();
  // written under the lock, read by the reader without it
  private final Map<String, ChannelSubscriber> channels = new ConcurrentHashMap<>();
  private final ArrayDeque<Command> outbox = new ArrayDeque<>();
  private final ConcurrentLinkedDeque<Command> inFlight = new ConcurrentLinkedDeque<>();
  private final AtomicBoolean writing = new AtomicBoolean();
  private volatile RedisConnections.PubSubConnection connection;
  private volatile boolean dead;
  // set by kill(): the reader ends the connection with this reason once it stops reading
  private volatile String killedFor;
  private volatile long killedAtNanos;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile long idleSinceNanos = System.nanoTime();
  private long sampled;

  /**
   * Creates a connection; {@link #start} opens it.
   *
   * @param name a name for its thread and logs
   * @param connections where the connection comes from
   * @param node the node it connects to
   * @param pingTimeout how long the connection may stay silent, or carry no channel
   * @param writer runs the writes, off the callers' threads
   * @param onDead told once when the connection ended
   */
  public SubscriberConnection(
      String name,
      RedisConnections connections,
      HostAndPort node,
      Duration pingTimeout,
      Executor writer,
      Consumer<SubscriberConnection> onDead) {
    this.name = name;
    this.connections = connections;
    this.node = node;
    this.sharded = connections.sharded();
    this.pingTimeout = pingTimeout;
    this.writer = writer;
    this.onDead = onDead;
  }

  /**
   * Returns the node the connection goes to.
   *
   * @return the node
   */
  public HostAndPort node() {
    return node;
  }

  /**
   * Tells whether the connection ended.
   *
   * @return {@code true} once ended
   */
  public boolean isDead() {
    return dead;
  }

  /**
   * Returns how many channels the connection carries.
   *
   * @return the count
   */
  public int channelCount() {
    return channels.size();
  }

  /** Starts the thread that opens, then reads, the connection. */
  public void start() {
    Thread thread = new Thread(this::run, "realtime-redis-sub-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Adds a channel's subscriber: it is subscribed once the connection is open. Never waits.
   *
   * @param subscriber the channel's new subscriber
   * @return {@code false} if the connection ended: the caller takes another one
   */
  public boolean add(ChannelSubscriber subscriber) {
    synchronized (lock) {
      if (dead || killedFor != null) {
        return false;
      }
      subscriber.assigned(this);
      channels.put(subscriber.channel(), subscriber);
      outbox.add(new Command(Kind.SUBSCRIBE, subscriber.channel(), subscriber));
    }
    kick();
    return true;
  }

  /**
   * Removes a channel's subscriber, if it is the one carried: the channel is unsubscribed.
   *
   * @param subscriber the subscriber that ended
   */
  public void remove(ChannelSubscriber subscriber) {
    synchronized (lock) {
      if (dead || !channels.remove(subscriber.channel(), subscriber)) {
        return;
      }
      if (channels.isEmpty()) {
        idleSinceNanos = System.nanoTime();
      }
      // a SUBSCRIBE not sent yet is simply dropped: the channel is never subscribed, not even
      // for a moment (a subscriber given up on before its connection opened)
      if (!outbox.removeIf(
          command -> command.kind() == Kind.SUBSCRIBE && command.subscriber() == subscriber)) {
        outbox.add(new Command(Kind.UNSUBSCRIBE, subscriber.channel(), null));
      }
    }
    kick();
  }

  /**
   * The watchdog's turn: ends a silent or idle connection, otherwise asks for a PING.
   *
   * @param now the watchdog's {@link System#nanoTime()}
   */
  public void check(long now) {
    if (dead) {
      return;
    }
    if (connection == null) {
      return; // opening: the connect and handshake are bounded by their own timeouts
    }
    String why = killedFor;
    if (why != null) {
      if (now - killedAtNanos > pingTimeout.toNanos()) {
        die(why, true); // its reader never noticed the close: end it all the same
      }
      return;
    }
    long silent = now - lastHeardNanos;
    if (silent > pingTimeout.toNanos()) {
      kill("no answer for " + Duration.ofNanos(silent).toMillis() + " ms");
      return;
    }
    boolean idle;
    synchronized (lock) {
      idle = channels.isEmpty() && outbox.isEmpty() && now - idleSinceNanos > pingTimeout.toNanos();
      if (!idle) {
        outbox.add(new Command(Kind.PING, null, null));
      }
    }
    if (idle) {
      retire();
    } else {
      kick();
    }
  }

  /**
   * Returns one of the channels carried, a different one at each call, for checking that the node
   * still serves them.
   *
   * @return a channel, or {@code null} if none
   */
  public String sampleChannel() {
    List<String> names = new ArrayList<>(channels.keySet());
    if (names.isEmpty()) {
      return null;
    }
    return names.get((int) (sampled++ % names.size()));
  }

  /**
   * Ends the connection: every channel it carried is told, once the reader has handed over what it
   * had read already (as a channel's end notice follows its queued messages), unless the connection
   * is not open yet.
   *
   * @param why the reason
   */
  public void kill(String why) {
    synchronized (lock) {
      if (dead || killedFor != null) {
        return;
      }
      killedFor = why;
      killedAtNanos = System.nanoTime();
    }
    if (connection == null) {
      die(why, true); // still opening: its thread finds it dead once connected, and closes it
    } else {
      closeConnection(); // the reader reads what is buffered, fails, and ends it with this reason
    }
  }

  /** Closes the connection as its transport closes: its channels were stopped already. */
  public void close() {
    die("the transport is closed", false);
  }

  /** Closes a connection that carries no channel, unless one was added meanwhile. */
  private void retire() {
    if (dead("idle", false, true)) {
      log.debug(
          "Subscriber connection {} to {} carried no channel for {}: closed",
          name,
          node,
          pingTimeout);
    }
  }

  private void die(String why, boolean loud) {
    String killed = killedFor;
    // a failure caused by the kill (the closed socket) is told with the kill's reason
    dead(killed != null ? killed : why, loud, false);
  }

  /**
   * Ends the connection, then tells its channels, holding no lock while they are told (their end
   * takes the transport's lock, under which channels are added here).
   *
   * @return {@code false} if it ended already, or carries a channel and {@code onlyIfIdle}
   */
  private boolean dead(String why, boolean loud, boolean onlyIfIdle) {
    List<ChannelSubscriber> carried;
    synchronized (lock) {
      if (dead || (onlyIfIdle && !(channels.isEmpty() && outbox.isEmpty()))) {
        return false;
      }
      dead = true;
      carried = new ArrayList<>(channels.values());
      channels.clear();
      outbox.clear();
    }
    if (loud) {
      log.warn(
          "Subscriber connection {} to {} is dead ({} channels): {}",
          name,
          node,
          carried.size(),
          why);
    }
    closeConnection();
    try {
      onDead.accept(this);
    } catch (RuntimeException e) {
      log.warn("Ending subscriber connection {} failed", name, e);
    }
    for (ChannelSubscriber subscriber : carried) {
      subscriber.connectionLost("its connection to " + node + " ended: " + why);
    }
    return true;
  }

  private void closeConnection() {
    RedisConnections.PubSubConnection current = connection;
    if (current != null) {
      // no flush first: a writer blocked on a node that stopped reading would hold this thread
      current.abort();
    }
  }

  /** The connection's own thread: opens it, then reads it until it ends. */
  private void run() {
    RedisConnections.PubSubConnection opened;
    try {
      opened = connections.openPubSub(node);
      // nothing is read but replies and messages: liveness comes from the watchdog's pings
      opened.setTimeoutInfinite();
    } catch (RuntimeException e) {
      die("cannot connect: " + describe(e), true);
      return;
    }
    synchronized (lock) {
      if (dead) {
        opened.abort(); // ended while connecting: nothing may be subscribed on it
        return;
      }
      connection = opened;
      lastHeardNanos = System.nanoTime();
    }
    kick();
    try {
      while (!dead) {
        Object reply;
        try {
          reply = opened.readReply();
        } catch (JedisDataException e) {
          refused(e);
          continue;
        }
        lastHeardNanos = System.nanoTime();
        handle(reply);
      }
    } catch (RuntimeException e) {
      String why = killedFor;
      die(why != null ? why : describe(e), true);
    }
  }

  private void handle(Object reply) {
    if (!(reply instanceof List<?> parts) || parts.isEmpty()) {
      // "+PONG" to a PING sent while no channel was subscribed
      take(Kind.PING, null);
      return;
    }
    String kind = text(parts.get(0));
    String channel = parts.size() > 1 ? text(parts.get(1)) : null;
    switch (kind) {
      case "message", "smessage" -> {
        ChannelSubscriber subscriber = channels.get(channel);
        if (subscriber != null) {
          subscriber.receive(text(parts.get(2)), killedFor == null);
        }
      }
      case "subscribe", "ssubscribe" -> {
        Command command = take(Kind.SUBSCRIBE, channel);
        if (command != null && channels.get(channel) == command.subscriber()) {
          command.subscriber().confirm();
        }
      }
      case "unsubscribe", "sunsubscribe" -> {
        if (take(Kind.UNSUBSCRIBE, channel) == null) {
          // not asked for: Redis ended it, as a cluster does when the channel's slot moves
          connections.topologyChanged();
          ChannelSubscriber subscriber = channels.get(channel);
          if (subscriber != null) {
            subscriber.kill("Redis ended the subscription (its slot moved off " + node + ")");
          }
        }
      }
      case "pong" -> take(Kind.PING, null);
      default -> log.debug("Subscriber connection {} ignored a '{}' reply", name, kind);
    }
  }

  /** An error reply answers the oldest command: a SUBSCRIBE refused fails its channel. */
  private void refused(JedisDataException e) {
    Command command = inFlight.poll();
    lastHeardNanos = System.nanoTime();
    if (command != null && command.kind() == Kind.SUBSCRIBE) {
      if (e.getMessage() != null && e.getMessage().startsWith("MOVED")) {
        connections.topologyChanged();
      }
      command.subscriber().kill("Redis refused it: " + e.getMessage());
    } else {
      log.warn("Subscriber connection {}: Redis refused {}: {}", name, command, e.getMessage());
    }
  }

  /** The command a reply answers: the oldest of its kind and channel. */
  private Command take(Kind kind, String channel) {
    Iterator<Command> pending = inFlight.iterator();
    while (pending.hasNext()) {
      Command command = pending.next();
      if (command.kind() == kind && (channel == null || channel.equals(command.channel()))) {
        pending.remove();
        return command;
      }
    }
    return null;
  }

  /** Makes sure a turn of the writer is coming once the connection is open. */
  private void kick() {
    if (connection == null || dead || !writing.compareAndSet(false, true)) {
      return;
    }
    try {
      writer.execute(this::write);
    } catch (RejectedExecutionException closing) {
      writing.set(false);
    }
  }

  /** A turn of the writer: what waits in the outbox, in order, flushed once per batch. */
  private void write() {
    RedisConnections.PubSubConnection current = connection;
    try {
      while (true) {
        List<Command> batch = new ArrayList<>();
        synchronized (lock) {
          for (Command command; batch.size() < WRITE_BATCH && (command = outbox.poll()) != null; ) {
            batch.add(command);
          }
        }
        if (batch.isEmpty() || dead) {
          return;
        }
        for (Command command : batch) {
          // remembered before it is sent: its answer may be read before this thread goes on
          inFlight.add(command);
          current.send(protocolCommand(command.kind()), command.channel());
        }
        current.flushNow();
      }
    } catch (RuntimeException e) {
      die("write failed: " + describe(e), true);
    } finally {
      writing.set(false);
      boolean more;
      synchronized (lock) {
        more = !outbox.isEmpty();
      }
      if (more) {
        kick();
      }
    }
  }

  private Protocol.Command protocolCommand(Kind kind) {
    return switch (kind) {
      case SUBSCRIBE -> sharded ? Protocol.Command.SSUBSCRIBE : Protocol.Command.SUBSCRIBE;
      case UNSUBSCRIBE -> sharded ? Protocol.Command.SUNSUBSCRIBE : Protocol.Command.UNSUBSCRIBE;
      case PING -> Protocol.Command.PING;
    };
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes
        ? new String(bytes, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  private static String describe(Throwable error) {
    return error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  @Override
  public String toString() {
    return "SubscriberConnection[" + name + " to " + node + ", " + channels.size() + " channels]";
  }
}
