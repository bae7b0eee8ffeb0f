package io.realtime.internal.connection;

import io.realtime.connection.CloseReason;
import io.realtime.connection.Connection;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.DeliveryClass;
import io.realtime.connection.DeliveryPolicy;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.OutboundLimits;
import io.realtime.connection.RegisteredConnection;
import io.realtime.connection.SubscriptionLimits;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.ShutdownNotice;
import io.realtime.observe.RealtimeObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ConnectionRegistry}.
 *
 * <p>This class is internal and is hence not for public use. Its APIs are unstable and can change
 * at any time. Use {@link ConnectionRegistry#builder()}.
 */
public final class DefaultConnectionRegistry implements ConnectionRegistry {

  private static final Logger log = LoggerFactory.getLogger(DefaultConnectionRegistry.class);
  private static final int WRITERS_PER_TASK = 64;

  /**
   * The registry's validated settings.
   *
   * @param codec the codec
   * @param deliveryPolicy the delivery policy
   * @param outboundLimits each connection's queue bound
   * @param subscriptionLimits what each connection may subscribe to
   * @param flushTimeout how long a graceful close or the shutdown waits
   * @param deliveryExecutor the host's delivery executor, or {@code null} for an owned one
   * @param closeExecutor the host's close executor, or {@code null} for an owned one
   * @param observer who is told of connections and deliveries, already guarded
   */
  public record Settings(
      MessageCodec codec,
      DeliveryPolicy deliveryPolicy,
      OutboundLimits outboundLimits,
      SubscriptionLimits subscriptionLimits,
      Duration flushTimeout,
      Executor deliveryExecutor,
      Executor closeExecutor,
      RealtimeObserver observer) {
    /**
     * Validates the components.
     *
     * @param codec the codec
     * @param deliveryPolicy the delivery policy
     * @param outboundLimits each connection's queue bound
     * @param subscriptionLimits what each connection may subscribe to
     * @param flushTimeout how long a graceful close or the shutdown waits
     * @param deliveryExecutor the host's delivery executor, or {@code null} for an owned one
     * @param closeExecutor the host's close executor, or {@code null} for an owned one
     * @param observer who is told of connections and deliveries, already guarded
     */
    public Settings {
      Objects.requireNonNull(codec, "codec");
      Objects.requireNonNull(deliveryPolicy, "deliveryPolicy");
      Objects.requireNonNull(outboundLimits, "outboundLimits");
      Objects.requireNonNull(subscriptionLimits, "subscriptionLimits");
      Objects.requireNonNull(flushTimeout, "flushTimeout");
      Objects.requireNonNull(observer, "observer");
    }
  }

  private final Settings settings;
  private final Executor deliveryExecutor;
  private final Executor closeExecutor;
  private final List<ExecutorService> ownedExecutors = new ArrayList<>(2);
  private final ConcurrentHashMap<String, DefaultRegisteredConnection> byId =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Set<DefaultRegisteredConnection>> byChannel =
      new ConcurrentHashMap<>();
  private final Object shutdownLock = new Object();
  private volatile CompletableFuture<Void> shutdown;

  /**
   * Creates the registry.
   *
   * @param settings the settings
   */
  public DefaultConnectionRegistry(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.deliveryExecutor =
        settings.deliveryExecutor() != null
            ? settings.deliveryExecutor()
            : own(
                Executors.newFixedThreadPool(
                    Math.max(2, Runtime.getRuntime().availableProcessors()),
                    new NamedThreadFactory("realtime-delivery")));
    this.closeExecutor =
        settings.closeExecutor() != null
            ? settings.closeExecutor()
            : own(Executors.newCachedThreadPool(new NamedThreadFactory("realtime-close")));
    log.debug(
        "Connection registry: codec={}, {}, limits={}, flushTimeout={}, deliveryExecutor={}",
        settings.codec().getClass().getSimpleName(),
        settings.deliveryPolicy(),
        settings.outboundLimits(),
        settings.flushTimeout(),
        settings.deliveryExecutor() == null ? "owned" : "host");
  }

  private ExecutorService own(ExecutorService executor) {
    ownedExecutors.add(executor);
    return executor;
  }

  Settings settings() {
    return settings;
  }

  Executor deliveryExecutor() {
    return deliveryExecutor;
  }

  Executor closeExecutor() {
    return closeExecutor;
  }

  @Override
  public MessageCodec codec() {
    return settings.codec();
  }

  @Override
  public OutboundLimits outboundLimits() {
    return settings.outboundLimits();
  }

  @Override
  public RegisteredConnection register(String channel, Connection connection) {
    if (channel == null || channel.isBlank()) {
      throw new IllegalArgumentException("channel must not be blank, got '" + channel + "'");
    }
    Objects.requireNonNull(connection, "connection");
    String id = connection.id();
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("connection id must not be blank, got '" + id + "'");
    }
    DefaultRegisteredConnection registered =
        new DefaultRegisteredConnection(channel, connection, this);
    synchronized (shutdownLock) {
      if (shutdown != null) {
        throw new IllegalStateException(
            "registry is shutting down; connection " + id + " was not registered");
      }
      if (byId.putIfAbsent(id, registered) != null) {
        throw new IllegalArgumentException("a connection with id " + id + " is already registered");
      }
    }
    byChannel.compute(
        channel,
        (name, members) -> {
          Set<DefaultRegisteredConnection> set =
              members != null ? members : ConcurrentHashMap.newKeySet();
          set.add(registered);
          return set;
        });
    settings.observer().connectionOpened(channel);
    log.debug("Registered connection {} on channel {} ({} connections)", id, channel, byId.size());
    return registered;
  }

  @Override
  public void unregister(String connectionId) {
    DefaultRegisteredConnection registered = byId.get(connectionId);
    if (registered != null) {
      registered.peerClosed();
    }
  }

  /** Removes a connection that closed; called once per connection. */
  void detach(DefaultRegisteredConnection registered) {
    boolean removed = byId.remove(registered.id(), registered);
    byChannel.computeIfPresent(
        registered.channel(),
        (name, members) -> {
          members.remove(registered);
          return members.isEmpty() ? null : members;
        });
    if (removed) {
      settings.observer().connectionClosed(registered.channel());
    }
    log.debug(
        "Connection {} left channel {} ({} connections)",
        registered.id(),
        registered.channel(),
        byId.size());
  }

  @Override
  public Optional<RegisteredConnection> find(String connectionId) {
    return Optional.ofNullable(byId.get(connectionId));
  }

  @Override
  public int broadcast(String channel, Message message) {
    Objects.requireNonNull(message, "message");
    if (!byChannel.containsKey(channel)) {
      return 0;
    }
    return broadcast(channel, EncodedMessage.encode(message, settings.codec()));
  }

  @Override
  public int broadcast(String channel, EncodedMessage message) {
    Objects.requireNonNull(message, "message");
    Set<DefaultRegisteredConnection> members = byChannel.get(channel);
    if (members == null) {
      return 0;
    }
    boolean unfiltered = settings.deliveryPolicy().ignoresSubscriptions(message.type());
    DeliveryClass deliveryClass = settings.deliveryPolicy().classOf(message.type());
    int queued = 0;
    DefaultRegisteredConnection chunk = null;
    DefaultRegisteredConnection last = null;
    int chunkSize = 0;
    for (DefaultRegisteredConnection member : members) {
      if (!unfiltered && !member.subscriptions().matches(message.type())) {
        continue;
      }
      DefaultRegisteredConnection.Offered offered = member.offerBroadcast(message, deliveryClass);
      if (offered == DefaultRegisteredConnection.Offered.REFUSED) {
        continue;
      }
      queued++;
      if (offered == DefaultRegisteredConnection.Offered.QUEUED_IDLE) {
        // this broadcast now owns the member's idle writer, and with it its nextIdle link
        member.nextIdle = null;
        if (chunk == null) {
          chunk = member;
        } else {
          last.nextIdle = member;
        }
        last = member;
        if (++chunkSize == WRITERS_PER_TASK) {
          startWriters(chunk);
          chunk = null;
          chunkSize = 0;
        }
      }
    }
    if (chunk != null) {
      startWriters(chunk);
    }
    return queued;
  }

  /**
   * Hands a chunk of idle connections (linked through {@link DefaultRegisteredConnection#nextIdle})
   * to the delivery executor as one task: one task per connection would cost more than the sends it
   * starts, while a few chunks still keep every delivery thread busy. The chain is linked through
   * the connections themselves, so a broadcast allocates one task per chunk and nothing per
   * connection.
   */
  private void startWriters(DefaultRegisteredConnection chunk) {
    try {
      deliveryExecutor.execute(() -> DefaultRegisteredConnection.drainChain(chunk));
    } catch (RejectedExecutionException e) {
      DefaultRegisteredConnection.abortChain(chunk, CloseReason.SERVER_SHUTDOWN);
    }
  }

  @Override
  public Collection<RegisteredConnection> recipients(String channel, String type) {
    Set<DefaultRegisteredConnection> members = byChannel.get(channel);
    if (members == null) {
      return List.of();
    }
    boolean unfiltered = settings.deliveryPolicy().ignoresSubscriptions(type);
    List<RegisteredConnection> recipients = new ArrayList<>(members.size());
    for (DefaultRegisteredConnection member : members) {
      if (unfiltered || member.subscriptions().matches(type)) {
        recipients.add(member);
      }
    }
    return recipients;
  }

  @Override
  public Collection<RegisteredConnection> connections(String channel) {
    Set<DefaultRegisteredConnection> members = byChannel.get(channel);
    return members == null ? List.of() : List.copyOf(members);
  }

  @Override
  public Set<String> channels() {
    return Set.copyOf(byChannel.keySet());
  }

  @Override
  public int count() {
    return byId.size();
  }

  @Override
  public int count(String channel) {
    Set<DefaultRegisteredConnection> members = byChannel.get(channel);
    return members == null ? 0 : members.size();
  }

  @Override
  public CompletableFuture<Void> shutdown(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    CompletableFuture<Void> done;
    synchronized (shutdownLock) {
      if (shutdown != null) {
        return shutdown;
      }
      done = new CompletableFuture<>();
      shutdown = done;
    }
    List<DefaultRegisteredConnection> all = List.copyOf(byId.values());
    log.info("Shutting down: closing {} connections (timeout {})", all.size(), timeout);
    EncodedMessage notice =
        EncodedMessage.encode(
            Envelope.shutdown(ShutdownNotice.SERVER_SHUTTING_DOWN), settings.codec());
    CompletableFuture<?>[] closing = new CompletableFuture<?>[all.size()];
    for (int i = 0; i < closing.length; i++) {
      closing[i] = all.get(i).beginClose(notice, CloseReason.SERVER_SHUTDOWN);
    }
    CompletableFuture.allOf(closing)
        .completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete(
            (ignored, error) -> {
              int forced = 0;
              for (DefaultRegisteredConnection connection : all) {
                if (!connection.closedFuture().isDone()) {
                  forced++;
                  connection.abort(CloseReason.SERVER_SHUTDOWN);
                }
              }
              if (forced > 0) {
                log.warn(
                    "Shutdown timeout {} passed: closed {} connections without flushing",
                    timeout,
                    forced);
              }
              ownedExecutors.forEach(ExecutorService::shutdown);
              done.complete(null);
            });
    return done;
  }

  @Override
  public boolean isShutdown() {
    return shutdown != null;
  }

  @Override
  public void close() {
    shutdown(settings.flushTimeout()).join();
  }
}
