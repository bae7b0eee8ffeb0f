package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerRegistry;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.internal.util.OwnedScheduler;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.OriginFrame;
import io.realtime.message.SplicedEnvelope;
import io.realtime.metrics.MetricSnapshot;
import io.realtime.metrics.MetricSources;
import io.realtime.metrics.PerformanceCollector;
import io.realtime.metrics.PerformanceHistory;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link SystemBroadcaster}.
 *
 * <p>This class is internal and is hence not for public use. Use {@link SystemBroadcaster#builder}.
 */
public final class DefaultSystemBroadcaster implements SystemBroadcaster {

  static final String DEGRADED_MESSAGE =
      "System status broadcasting is degraded. Updates may be delayed or unavailable.";
  static final String RECOVERED_MESSAGE = "System status broadcasting recovered.";

  private static final Logger log = LoggerFactory.getLogger(DefaultSystemBroadcaster.class);

  /**
   * The broadcaster's settings.
   *
   * @param transport the backbone
   * @param registry the local connections
   * @param sources the metric sources
   * @param interval the collection interval
   * @param instanceId this instance's id
   * @param publisher whether to collect without local clients
   * @param clientChannel the registry channel
   * @param statusChannel the transport channel of {@code system_status}
   * @param performanceChannel the transport channel of {@code performance_update}
   * @param performance the performance collector
   * @param breaker the breaker on the listener
   * @param circuitBreakers the registry reported by {@code circuit_breaker_update}, or {@code null}
   * @param timeSource the clocks
   * @param scheduler the host's scheduler, or {@code null} for an owned one
   * @param sourceExecutor the host's source executor, or {@code null} for an owned one
   * @param recovery the retry policy
   */
  public record Settings(
      Transport transport,
      ConnectionRegistry registry,
      MetricSources sources,
      Duration interval,
      String instanceId,
      boolean publisher,
      String clientChannel,
      String statusChannel,
      String performanceChannel,
      PerformanceCollector performance,
      CircuitBreaker breaker,
      CircuitBreakerRegistry circuitBreakers,
      TimeSource timeSource,
      TaskScheduler scheduler,
      Executor sourceExecutor,
      RecoveryPolicy recovery) {

    /**
     * Checks that every required setting is present.
     *
     * @param transport the backbone
     * @param registry the local connections
     * @param sources the metric sources
     * @param interval the collection interval
     * @param instanceId this instance's id
     * @param publisher whether to collect without local clients
     * @param clientChannel the registry channel
     * @param statusChannel the transport channel of {@code system_status}
     * @param performanceChannel the transport channel of {@code performance_update}
     * @param performance the performance collector
     * @param breaker the breaker on the listener
     * @param circuitBreakers the registry reported by {@code circuit_breaker_update}, or {@code
     *     null}
     * @param timeSource the clocks
     * @param scheduler the host's scheduler, or {@code null} for an owned one
     * @param sourceExecutor the host's source executor, or {@code null} for an owned one
     * @param recovery the retry policy
     */
    public Settings {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(registry, "registry");
      Objects.requireNonNull(sources, "sources");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(performance, "performance");
      Objects.requireNonNull(breaker, "breaker");
      Objects.requireNonNull(timeSource, "timeSource");
      Objects.requireNonNull(recovery, "recovery");
    }
  }

  /**
   * The latest snapshot, encoded once for every recipient; the status envelope is kept beside its
   * text for {@link #latestStatus()}.
   */
  private record Latest(
      Instant collectedAt,
      Envelope statusEnvelope,
      EncodedMessage status,
      EncodedMessage performance) {}

  private final Settings settings;
  private final MessageCodec codec;
  private final OwnedScheduler<TaskScheduler> ownedScheduler;
  private final TaskScheduler scheduler;
  private final Executor sourceExecutor;
  private final ExecutorService ownedSourceExecutor;
  private final ResilientSubscription subscription;
  private final AtomicReference<CompletableFuture<Void>> collecting = new AtomicReference<>();
  private volatile Latest latest;
  private volatile boolean closed;
  private TaskScheduler.Cancellable nextTick;

  /**
   * Creates the broadcaster.
   *
   * @param settings the settings
   */
  public DefaultSystemBroadcaster(Settings settings) {
    this.settings = settings;
    this.codec = settings.registry().codec();
    this.ownedScheduler =
        new OwnedScheduler<>(settings.scheduler(), "realtime-" + SERVICE_NAME, TaskScheduler::of);
    this.scheduler = ownedScheduler.scheduler();
    if (settings.sourceExecutor() == null) {
      ownedSourceExecutor =
          Executors.newCachedThreadPool(new NamedThreadFactory("realtime-metric-source"));
      sourceExecutor = ownedSourceExecutor;
    } else {
      ownedSourceExecutor = null;
      sourceExecutor = settings.sourceExecutor();
    }
    this.subscription =
        new ResilientSubscription(
            settings.transport(),
            List.of(settings.statusChannel(), settings.performanceChannel()),
            this::onTransportMessage,
            settings.breaker(),
            settings.recovery(),
            scheduler,
            new SubscriptionEvents());
    if (settings.circuitBreakers() != null) {
      if (settings.circuitBreakers().find(settings.breaker().name()).isEmpty()) {
        settings.circuitBreakers().register(settings.breaker());
      }
      settings
          .circuitBreakers()
          .onStateChange((breaker, from, to) -> broadcastCircuitBreakerStates());
    }
  }

  @Override
  public void start() {
    log.info(
        "System broadcaster {}: every {} on {} and {}{}",
        settings.instanceId(),
        settings.interval(),
        settings.statusChannel(),
        settings.performanceChannel(),
        settings.publisher() ? " (publisher)" : "");
    subscription.start();
    scheduleTick(Duration.ZERO);
  }

  private synchronized void scheduleTick(Duration delay) {
    if (!closed) {
      nextTick = scheduler.schedule(this::tick, delay);
    }
  }

  private void tick() {
    try {
      if (settings.publisher() || settings.registry().count(settings.clientChannel()) > 0) {
        collectNow();
      }
    } catch (RuntimeException e) {
      log.warn("System status collection failed", e);
    } finally {
      scheduleTick(settings.interval());
    }
  }

  @Override
  public CompletionStage<Void> collectNow() {
    while (true) {
      CompletableFuture<Void> running = collecting.get();
      if (running != null && !running.isDone()) {
        return running;
      }
      CompletableFuture<Void> next = new CompletableFuture<>();
      if (collecting.compareAndSet(running, next)) {
        settings
            .sources()
            .collect(sourceExecutor, scheduler, settings.timeSource())
            .thenAccept(this::broadcastSnapshot)
            .whenComplete(
                (ignored, error) -> {
                  if (error != null) {
                    log.warn("Broadcasting the system status failed", error);
                  }
                  next.complete(null);
                });
        return next;
      }
    }
  }

  private void broadcastSnapshot(MetricSnapshot snapshot) {
    if (closed) {
      return;
    }
    Envelope statusEnvelope =
        Envelope.systemStatus(
            PerformanceCollector.systemStatus(snapshot, settings.instanceId()),
            snapshot.timestamp());
    EncodedMessage status = EncodedMessage.encode(statusEnvelope, codec);
    EncodedMessage performance =
        EncodedMessage.encode(
            Envelope.performanceUpdate(settings.performance().performanceUpdate(snapshot)), codec);
    latest = new Latest(settings.timeSource().now(), statusEnvelope, status, performance);
    settings.registry().broadcast(settings.clientChannel(), status);
    settings.registry().broadcast(settings.clientChannel(), performance);
    publish(settings.statusChannel(), status);
    publish(settings.performanceChannel(), performance);
  }

  /** Publishes to the other instances, wrapped with this instance's id; skipped while degraded. */
  private void publish(String channel, EncodedMessage message) {
    if (subscription.isDegraded()) {
      return;
    }
    CompletionStage<Void> sent;
    try {
      sent =
          settings
              .transport()
              .publish(channel, OriginFrame.wrap(settings.instanceId(), message.text()));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            log.debug("Publishing {} to {} failed: {}", message.type(), channel, error.toString());
            subscription.recordFailure(error);
          }
        });
  }

  /**
   * Another instance's message: dropped when it is this instance's own echo, else forwarded as its
   * publisher encoded it, decoded and encoded only when the codec cannot forward its text.
   */
  private void onTransportMessage(TransportMessage message) {
    OriginFrame frame;
    try {
      frame = OriginFrame.read(message.payload());
    } catch (MessageFormatException e) {
      log.warn("Dropping an unreadable message on {}: {}", message.channel(), e.getMessage());
      return;
    }
    if (settings.instanceId().equals(frame.origin())) {
      return;
    }
    SplicedEnvelope forwarded = codec.splice(frame.payload(), null, null, false);
    if (forwarded != null) {
      settings
          .registry()
          .broadcast(
              settings.clientChannel(),
              EncodedMessage.ofText(forwarded.type(), forwarded.text(), null, null));
      return;
    }
    Message decoded = Payloads.decodeOrNull(codec, frame.payload(), message.channel());
    if (decoded != null) {
      settings.registry().broadcast(settings.clientChannel(), decoded);
    }
  }

  @Override
  public void onConnect(RegisteredConnection connection) {
    Latest current = latest;
    Instant freshAfter = settings.timeSource().now().minus(settings.interval().multipliedBy(2));
    if (current != null && current.collectedAt().isAfter(freshAfter)) {
      connection.send(current.status());
      connection.send(current.performance());
    } else {
      collectNow();
    }
    if (subscription.isDegraded()) {
      connection.send(
          Payloads.notice(SERVICE_NAME, "degraded", DEGRADED_MESSAGE, settings.breaker().state()));
    }
  }

  @Override
  public void broadcastCircuitBreakerStates() {
    if (settings.circuitBreakers() == null) {
      throw new IllegalStateException("no circuit breaker registry was configured");
    }
    EncodedMessage update =
        EncodedMessage.encode(
            Envelope.circuitBreakerUpdate(settings.circuitBreakers().update()), codec);
    settings.registry().broadcast(settings.clientChannel(), update);
    publish(settings.statusChannel(), update);
  }

  @Override
  public String instanceId() {
    return settings.instanceId();
  }

  @Override
  public Optional<Envelope> latestStatus() {
    Latest current = latest;
    return current == null ? Optional.empty() : Optional.of(current.statusEnvelope());
  }

  @Override
  public PerformanceHistory performanceHistory() {
    return settings.performance().history();
  }

  @Override
  public boolean isDegraded() {
    return subscription.isDegraded();
  }

  @Override
  public boolean isLive() {
    return subscription.isActive() && !subscription.isDegraded();
  }

  @Override
  public CircuitBreaker circuitBreaker() {
    return settings.breaker();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (nextTick != null) {
        nextTick.cancel();
      }
    }
    subscription.close();
    ownedScheduler.close();
    if (ownedSourceExecutor != null) {
      ownedSourceExecutor.shutdownNow();
    }
  }

  private final class SubscriptionEvents implements ResilientSubscription.Events {
    @Override
    public void onSubscribed() {}

    @Override
    public void onDegraded(CircuitBreaker.State breakerState) {
      settings
          .registry()
          .broadcast(
              settings.clientChannel(),
              Payloads.notice(SERVICE_NAME, "degraded", DEGRADED_MESSAGE, breakerState));
    }

    @Override
    public void onRecovered() {
      settings
          .registry()
          .broadcast(
              settings.clientChannel(),
              Payloads.notice(
                  SERVICE_NAME, "healthy", RECOVERED_MESSAGE, settings.breaker().state()));
    }
  }
}
