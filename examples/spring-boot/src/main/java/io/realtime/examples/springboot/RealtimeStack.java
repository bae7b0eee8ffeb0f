package io.realtime.examples.springboot;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.health.ObservedParts;
import io.realtime.health.RealtimeHealthProbe;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.metrics.JvmHostMetrics;
import io.realtime.metrics.MetricSources;
import io.realtime.micrometer.RealtimeMetrics;
import io.realtime.observe.RealtimeObserver;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realtime parts this application runs, assembled from {@link RealtimeProperties}: the
 * transport (Redis, or in memory), the connection registry, the event and system broadcasters, the
 * job-log emitter and the WebSocket endpoints, observed by {@link #metrics()} and {@link
 * #health()}. The application publishes through {@link #events()} and {@link #jobLogs()}.
 */
public final class RealtimeStack implements AutoCloseable {

  /** Where clients receive security events. */
  public static final String EVENTS_PATH = "/ws/events";

  /** Where clients receive {@code system_status} and the other system messages. */
  public static final String SYSTEM_PATH = "/ws/system";

  /** Where clients follow one job's log lines. */
  public static final String JOB_LOGS_PATH = "/ws/jobs/{job_id}/logs";

  private static final Logger log = LoggerFactory.getLogger(RealtimeStack.class);

  private final RealtimeProperties properties;
  private final Transport transport;
  private final ConnectionRegistry registry;
  private final EventBroadcaster events;
  private final SystemBroadcaster system;
  private final JobLogEmitter jobLogs;
  private final RealtimeWebSocket websocket;
  private final RealtimeMetrics metrics;
  private final RealtimeHealthProbe health;
  private final AtomicBoolean clientsTold = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Assembles and starts the stack; nothing is mounted yet.
   *
   * @param properties the settings
   * @throws IllegalStateException if the Jedis on the class path is older than realtime-redis needs
   *     (with {@code realtime.redis.uri} set)
   * @throws IllegalArgumentException naming a bad setting
   */
  public RealtimeStack(RealtimeProperties properties) {
    this.properties = properties;
    // the meters are fed by an observer every part is built with
    RealtimeMetrics.Builder meters = RealtimeMetrics.builder();
    RealtimeObserver observer = meters.observer();
    this.transport =
        properties.redis().enabled()
            ? RedisTransport.create(
                RedisTransportConfig.builder().uri(properties.redis().uri().strip()).build(),
                observer)
            : InMemoryTransport.create();
    this.registry = ConnectionRegistry.builder().observer(observer).build();
    this.events = EventBroadcaster.builder(transport, registry).observer(observer).build();
    this.system =
        SystemBroadcaster.builder(
                transport, registry, MetricSources.builder().host(new JvmHostMetrics("/")).build())
            .interval(properties.statusInterval())
            .build();
    this.jobLogs = JobLogEmitter.builder(transport).codec(registry.codec()).build();
    RealtimeWebSocket.Builder endpoints =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .system(system)
            .jobLogs(jobLogs)
            .observer(observer)
            .paths(EVENTS_PATH, SYSTEM_PATH, JOB_LOGS_PATH)
            .apiKeys(properties.apiKeys())
            .allowedOrigins(properties.allowedOrigins())
            .trustedProxies(properties.trustedProxies())
            .maxConnections(properties.maxConnections())
            .maxConnectionsPerAddress(properties.maxConnectionsPerAddress());
    if (properties.token() != null && !properties.token().isBlank()) {
      endpoints.token(properties.token());
    }
    this.websocket = endpoints.build();
    ObservedParts parts =
        ObservedParts.builder()
            .eventBroadcaster(events)
            .systemBroadcaster(system)
            .jobLogEmitter(jobLogs)
            .build();
    this.metrics = meters.parts(parts).build();
    this.health = RealtimeHealthProbe.builder(registry).parts(parts).build();
    events.start();
    system.start();
    log.info("realtime started: {}", properties);
  }

  /**
   * Returns the endpoint configuration for one of the paths, to mount.
   *
   * @param path {@link #EVENTS_PATH}, {@link #SYSTEM_PATH} or {@link #JOB_LOGS_PATH}
   * @return its configuration
   * @throws IllegalArgumentException for another path
   */
  public ServerEndpointConfig endpoint(String path) {
    return websocket.endpointConfigs().stream()
        .filter(config -> config.getPath().equals(path))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no realtime endpoint at " + path));
  }

  /**
   * Returns the event broadcaster the application publishes security events through.
   *
   * @return the broadcaster
   */
  public EventBroadcaster events() {
    return events;
  }

  /**
   * Returns the system broadcaster.
   *
   * @return the broadcaster
   */
  public SystemBroadcaster system() {
    return system;
  }

  /**
   * Returns the emitter the application writes job log lines through.
   *
   * @return the emitter
   */
  public JobLogEmitter jobLogs() {
    return jobLogs;
  }

  /**
   * Returns the Micrometer binder of the realtime meters ({@code realtime.connections}, {@code
   * realtime.messages.sent}, ...), for the application's meter registry.
   *
   * @return the binder
   */
  public RealtimeMetrics metrics() {
    return metrics;
  }

  /**
   * Returns the probe that takes a health snapshot of the stack.
   *
   * @return the probe
   */
  public RealtimeHealthProbe health() {
    return health;
  }

  /**
   * Returns the local connections.
   *
   * @return the registry
   */
  public ConnectionRegistry registry() {
    return registry;
  }

  /**
   * Returns the transport.
   *
   * @return the transport
   */
  public Transport transport() {
    return transport;
  }

  /**
   * Stops publishing and tells every client the server is going away: each receives {@code
   * system.shutdown} after what is queued for it, then is closed with 1001, within {@code
   * realtime.shutdown-timeout}. Runs once; the web server must still be up.
   */
  public void shutdownClients() {
    if (!clientsTold.compareAndSet(false, true)) {
      return;
    }
    log.info("realtime stopping: telling {} clients", registry.count());
    system.close();
    events.close();
    jobLogs.close();
    registry.shutdown(properties.shutdownTimeout()).join();
  }

  /** Tells the clients if not done yet, then stops every part. Runs once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    shutdownClients();
    websocket.close();
    transport.close();
    log.info("realtime stopped");
  }
}
