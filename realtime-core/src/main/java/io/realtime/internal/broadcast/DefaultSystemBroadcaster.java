package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerRegistry;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.EncodedMessage;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.util.NamedThreadFactory;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.OriginFrame;
import io.realtime.message.SplicedEnvelope;
import io.realtime.metrics.MetricSnapshot;
import io.realtime.metrics.MetricSources;
import io.realtime.metrics.PerformanceCollector;
import io.realtime.metrics.history.PerformanceHistory;
import io.realtime.time.TaskScheduler;
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
   * @param channel the settings shared with the event broadcaster
   * @param sources the metric sources
   * @param interval the collection interval
   * @param instanceId this instance's id
   * @param publisher whether to collect without local clients
   * @param statusChannel the transport channel of {@code system_status}
   * @param performanceChannel the transport channel of {@code performance_update}
   * @param performance the performance collector
   * @param circuitBreakers the registry reported by {@code circuit_breaker_update}, or {@code null}
   * @param sourceExecutor the host's source executor, or {@code null} for an owned one
   */
  public record Settings(
      ChannelSettings channel,
      MetricSources sources,
      Duration interval,
      String instanceId,
      boolean publisher,
      String statusChannel,
      String performanceChannel,
      PerformanceCollector performance,
      CircuitBreakerRegistry circuitBreakers,
      Executor sourceExecutor) {

    /**
     * Checks that every required setting is present.
     *
     * @param channel the settings shared with the event broadcaster
     * @param sources the metric sources
     * @param interval the collection interval
     * @param instanceId this instance's id
     * @param publisher whether to collect without local clients
     * @param statusChannel the transport channel of {@code system_status}
     * @param performanceChannel the transport channel of {@code performance_update}
     * @param performance the performance collector
     * @param circuitBreakers the registry reported by {@code circuit_breaker_update}, or {@code
     *     null}
     * @param sourceExecutor the host's source executor, or {@code null} for an owned one
     */
    public Settings {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(sources, "sources");
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(performance, "performance");
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
  private final ChannelSettings shared;
  private final TaskScheduler scheduler;
  private final Executor sourceExecutor;
  private final ExecutorService ownedSourceExecutor;
  private final ResilientChannel resilient;
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
    this.shared = settings.channel();
    this.codec = shared.registry().codec();
    this.resilient =
        new ResilientChannel(
            shared,
            List.of(settings.statusChannel(), settings.performanceChannel()),
            this::onTransportMessage,
            new ResilientChannel.Notices(SERVICE_NAME, DEGRADED_MESSAGE, RECOVERED_MESSAGE),
            ResilientChannel.Hooks.NONE);
    this.scheduler = resilient.scheduler();
    if (settings.sourceExecutor() == null) {
      ownedSourceExecutor =
          Executors.newCachedThreadPool(new NamedThreadFactory("realtime-metric-source"));
      sourceExecutor = ownedSourceExecutor;
    } else {
      ownedSourceExecutor = null;
      sourceExecutor = settings.sourceExecutor();
    }
    if (settings.circuitBreakers() != null) {
      if (settings.circuitBreakers().find(shared.breaker().name()).isEmpty()) {
        settings.circuitBreakers().register(shared.breaker());
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
    resilient.start();
    scheduleTick(Duration.ZERO);
  }

  private synchronized void scheduleTick(Duration delay) {
    if (!closed) {
      nextTick = scheduler.schedule(this::tick, delay);
    }
  }

  private void tick() {
    try {
      if (settings.publisher() || shared.registry().count(shared.clientChannel()) > 0) {
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
            .collect(sourceExecutor, scheduler, shared.timeSource())
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
    latest = new Latest(shared.timeSource().now(), statusEnvelope, status, performance);
    shared.registry().broadcast(shared.clientChannel(), status);
    shared.registry().broadcast(shared.clientChannel(), performance);
    publish(settings.statusChannel(), status);
    publish(settings.performanceChannel(), performance);
  }

  /** Publishes to the other instances, wrapped with this instance's id; skipped while degraded. */
  private void publish(String channel, EncodedMessage message) {
    if (resilient.isDegraded()) {
      return;
    }
    CompletionStage<Void> sent;
    try {
      sent =
          shared
              .transport()
              .publish(channel, OriginFrame.wrap(settings.instanceId(), message.text()));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            log.debug("Publishing {} to {} failed: {}", message.type(), channel, error.toString());
            resilient.recordFailure(error);
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
      shared
          .registry()
          .broadcast(
              shared.clientChannel(),
              EncodedMessage.ofText(forwarded.type(), forwarded.text(), null, null));
      return;
    }
    Message decoded = Payloads.decodeOrNull(codec, frame.payload(), message.channel());
    if (decoded != null) {
      shared.registry().broadcast(shared.clientChannel(), decoded);
    }
  }

  @Override
  public void onConnect(RegisteredConnection connection) {
    Latest current = latest;
    Instant freshAfter = shared.timeSource().now().minus(settings.interval().multipliedBy(2));
    if (current != null && current.collectedAt().isAfter(freshAfter)) {
      connection.send(current.status());
      connection.send(current.performance());
    } else {
      collectNow();
    }
    resilient.degradedNotice().ifPresent(connection::send);
  }

  @Override
  public void broadcastCircuitBreakerStates() {
    if (settings.circuitBreakers() == null) {
      throw new IllegalStateException("no circuit breaker registry was configured");
    }
    EncodedMessage update =
        EncodedMessage.encode(
            Envelope.circuitBreakerUpdate(settings.circuitBreakers().update()), codec);
    shared.registry().broadcast(shared.clientChannel(), update);
    publish(settings.statusChannel(), update);
  }

  @Override
  public String clientChannel() {
    return shared.clientChannel();
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
    return resilient.isDegraded();
  }

  @Override
  public boolean isLive() {
    return resilient.isActive() && !resilient.isDegraded();
  }

  @Override
  public CircuitBreaker circuitBreaker() {
    return shared.breaker();
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
    resilient.close();
    if (ownedSourceExecutor != null) {
      ownedSourceExecutor.shutdownNow();
    }
  }
}
