package io.realtime.broadcast;

import io.realtime.breaker.CircuitBreakerRegistry;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.internal.broadcast.DefaultSystemBroadcaster;
import io.realtime.metrics.MetricSources;
import io.realtime.metrics.PerformanceCollector;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Builds a {@link SystemBroadcaster}. Setters validate at once; {@link #build()} copies the
 * settings. Not thread-safe.
 */
public final class SystemBroadcasterBuilder
    extends ResilientBroadcasterBuilder<SystemBroadcasterBuilder> {

  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final Transport transport;
  private final ConnectionRegistry registry;
  private final MetricSources sources;
  private Duration interval = SystemBroadcaster.DEFAULT_INTERVAL;
  private String instanceId = UUID.randomUUID().toString();
  private boolean publisher;
  private String clientChannel = SystemBroadcaster.DEFAULT_CLIENT_CHANNEL;
  private String statusChannel = SystemBroadcaster.DEFAULT_STATUS_CHANNEL;
  private String performanceChannel = SystemBroadcaster.DEFAULT_PERFORMANCE_CHANNEL;
  private PerformanceCollector performanceCollector = PerformanceCollector.defaults();
  private CircuitBreakerRegistry circuitBreakers;
  private Executor sourceExecutor;

  SystemBroadcasterBuilder(
      Transport transport, ConnectionRegistry registry, MetricSources sources) {
    super(SystemBroadcaster.SERVICE_NAME, Duration.ofSeconds(60));
    this.transport = Objects.requireNonNull(transport, "transport");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  /**
   * Sets the collection interval; 5 s by default, at least 100 ms.
   *
   * @param interval the interval
   * @return this builder
   */
  public SystemBroadcasterBuilder interval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(SystemBroadcaster.MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("interval must be at least 100 ms, got " + interval);
    }
    this.interval = interval;
    return this;
  }

  /**
   * Sets this instance's id; a random UUID by default.
   *
   * @param instanceId 1 to 64 letters, digits, {@code .}, {@code _}, {@code :} or {@code -}
   * @return this builder
   */
  public SystemBroadcasterBuilder instanceId(String instanceId) {
    if (instanceId == null || !INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException(
          "instanceId must be 1 to 64 letters, digits, '.', '_', ':' or '-', got '"
              + instanceId
              + "'");
    }
    this.instanceId = instanceId;
    return this;
  }

  /**
   * Makes this instance collect and publish even with no local client (a GPU node); off by default,
   * as in the original, which collected only while clients were connected.
   *
   * @param publisher whether to always collect
   * @return this builder
   */
  public SystemBroadcasterBuilder publisher(boolean publisher) {
    this.publisher = publisher;
    return this;
  }

  /**
   * Sets the registry channel of the clients; {@code system} by default.
   *
   * @param clientChannel the channel
   * @return this builder
   */
  public SystemBroadcasterBuilder clientChannel(String clientChannel) {
    this.clientChannel = requireName("clientChannel", clientChannel);
    return this;
  }

  /**
   * Sets the transport channels; {@code system_status} and {@code performance_update} by default.
   *
   * @param statusChannel the channel of {@code system_status}
   * @param performanceChannel the channel of {@code performance_update}
   * @return this builder
   */
  public SystemBroadcasterBuilder transportChannels(
      String statusChannel, String performanceChannel) {
    this.statusChannel = requireName("statusChannel", statusChannel);
    this.performanceChannel = requireName("performanceChannel", performanceChannel);
    if (statusChannel.equals(performanceChannel)) {
      throw new IllegalArgumentException(
          "the two channels must differ, got " + statusChannel + " twice");
    }
    return this;
  }

  /**
   * Sets the performance collector (alert thresholds, history size); the defaults otherwise.
   *
   * @param performanceCollector the collector
   * @return this builder
   */
  public SystemBroadcasterBuilder performanceCollector(PerformanceCollector performanceCollector) {
    this.performanceCollector =
        Objects.requireNonNull(performanceCollector, "performanceCollector");
    return this;
  }

  /**
   * Sets the registry of named breakers that {@code circuit_breaker_update} reports; this
   * broadcaster's own breaker is added to it.
   *
   * @param circuitBreakers the registry
   * @return this builder
   */
  public SystemBroadcasterBuilder circuitBreakers(CircuitBreakerRegistry circuitBreakers) {
    this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers");
    return this;
  }

  /**
   * Sets where metric sources run; by default an owned pool of daemon threads, so a hung source
   * holds one thread of its own.
   *
   * @param sourceExecutor the executor
   * @return this builder
   */
  public SystemBroadcasterBuilder sourceExecutor(Executor sourceExecutor) {
    this.sourceExecutor = Objects.requireNonNull(sourceExecutor, "sourceExecutor");
    return this;
  }

  /**
   * Builds the broadcaster; call {@link SystemBroadcaster#start()} to begin.
   *
   * @return the broadcaster
   */
  public SystemBroadcaster build() {
    return new DefaultSystemBroadcaster(
        new DefaultSystemBroadcaster.Settings(
            channelSettings(transport, registry, clientChannel),
            sources,
            interval,
            instanceId,
            publisher,
            statusChannel,
            performanceChannel,
            performanceCollector,
            circuitBreakers,
            sourceExecutor));
  }
}
