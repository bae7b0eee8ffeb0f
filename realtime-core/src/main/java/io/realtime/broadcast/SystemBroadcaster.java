package io.realtime.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.metrics.MetricSources;
import io.realtime.metrics.history.PerformanceHistory;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Broadcasts the periodic {@code system_status} and {@code performance_update}.
 *
 * <p>Every interval (5 s by default) it collects the registered {@link MetricSources}, sends both
 * messages to its local clients first, then publishes them on the transport wrapped as {@code
 * {"_origin_instance":ID,"payload":MESSAGE}}. It listens to both channels, drops its own echoes and
 * forwards what other instances publish. It collects while it has local clients, or always when it
 * is a publisher (a GPU node with no browser must still publish). Two collections never overlap. A
 * client gets the latest snapshot as soon as it connects ({@link #onConnect}).
 *
 * <p>When the transport fails, the listener's breaker counts it; after 5 recovery attempts (backoff
 * 1, 2, 4 … s, capped at 60 s, each plus 10 to 30 % jitter) or while the breaker is open, it is
 * degraded: local updates continue, clients get {@code service_status} for {@code
 * system_broadcaster}, and it recovers by itself.
 */
public interface SystemBroadcaster extends AutoCloseable {

  /** The default registry channel, served by {@code /ws/system}. */
  String DEFAULT_CLIENT_CHANNEL = "system";

  /** The default transport channel of {@code system_status}. */
  String DEFAULT_STATUS_CHANNEL = "system_status";

  /** The default transport channel of {@code performance_update}. */
  String DEFAULT_PERFORMANCE_CHANNEL = "performance_update";

  /** The service name of the degraded and recovered notices. */
  String SERVICE_NAME = "system_broadcaster";

  /** The default collection interval. */
  Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** The shortest collection interval accepted. */
  Duration MIN_INTERVAL = Duration.ofMillis(100);

  /**
   * Returns a builder.
   *
   * @param transport the backbone
   * @param registry the local connections
   * @param sources the metric sources
   * @return the builder
   */
  static SystemBroadcasterBuilder builder(
      Transport transport, ConnectionRegistry registry, MetricSources sources) {
    return new SystemBroadcasterBuilder(transport, registry, sources);
  }

  /** Starts listening and collecting. */
  void start();

  /**
   * Sends a newly connected client the latest snapshot at once, collecting one if there is none
   * recent enough; and the degraded notice while degraded.
   *
   * @param connection the new connection
   */
  void onConnect(RegisteredConnection connection);

  /**
   * Collects and broadcasts now, unless a collection is running: then it returns that one.
   *
   * @return a stage completing once the snapshot was sent
   */
  CompletionStage<Void> collectNow();

  /**
   * Returns the registry channel whose connections this broadcaster serves, {@value
   * #DEFAULT_CLIENT_CHANNEL} unless the builder was given another; the {@code /ws/system} endpoint
   * registers its connections there.
   *
   * @return the channel
   */
  String clientChannel();

  /**
   * Returns this instance's id, carried in {@code system_status.instance} and in the origin
   * wrapper.
   *
   * @return the id
   */
  String instanceId();

  /**
   * Returns the latest {@code system_status} this instance built.
   *
   * @return the message, or empty before the first collection
   */
  Optional<Envelope> latestStatus();

  /**
   * Returns the history of performance updates.
   *
   * @return the history
   */
  PerformanceHistory performanceHistory();

  /**
   * Broadcasts a {@code circuit_breaker_update} built from the configured breaker registry, locally
   * and to the other instances. It is also sent whenever a registered breaker changes state.
   *
   * @throws IllegalStateException if no breaker registry was configured
   */
  void broadcastCircuitBreakerStates();

  /**
   * Tells whether the system channel is degraded.
   *
   * @return {@code true} while degraded
   */
  boolean isDegraded();

  /**
   * Tells whether the broadcaster follows the transport now: its subscription is confirmed. {@link
   * #start()} returns at once, before the backbone answered; until then other instances' statuses
   * do not arrive.
   *
   * @return {@code true} while subscribed
   */
  boolean isLive();

  /**
   * Returns the breaker on the transport listener.
   *
   * @return the breaker
   */
  CircuitBreaker circuitBreaker();

  /** Stops collecting, listening and recovering. It closes neither transport nor registry. */
  @Override
  void close();
}
