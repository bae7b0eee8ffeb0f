package io.realtime.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.broadcast.SystemBroadcasterBuilder;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.health.ObservedParts;
import io.realtime.health.RealtimeHealth;
import io.realtime.health.RealtimeHealthProbe;
import io.realtime.jakarta.ws.MessageLimits;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.jakarta.ws.tyrus.FrameLimitFilter;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.metrics.LatencyTracker;
import io.realtime.micrometer.RealtimeMetrics;
import io.realtime.observe.RealtimeObserver;
import io.realtime.redis.RedisRateLimiter;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.glassfish.grizzly.filterchain.Filter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a complete realtime server: the three endpoints on Tyrus and the dashboard, behind one
 * Grizzly listener ({@link LauncherServer}), the in-memory transport (or Redis with {@code
 * --redis}), the event and system broadcasters, job logs, host metrics, the metric sources the
 * flags name and, unless {@code --no-simulator}, a simulated pipeline. {@code GET /health} answers
 * the {@link RealtimeHealth} snapshot as JSON (200 when UP or DEGRADED, 503 when DOWN) and {@code
 * GET /metrics} the {@link RealtimeMetrics} meters in the Prometheus text format. SIGTERM or Ctrl-C
 * shuts it down gracefully: clients get {@code system.shutdown}, and the process exits 0.
 */
public final class StandaloneLauncher {

  private static final Logger log = LoggerFactory.getLogger(StandaloneLauncher.class);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(4);

  private StandaloneLauncher() {}

  /**
   * Runs the launcher.
   *
   * @param args the flags; see {@code --help}
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    LauncherOptions options;
    try {
      options = LauncherOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(LauncherOptions.USAGE);
      return;
    }
    if (List.of(args).contains("--api-key") || List.of(args).contains("--token")) {
      log.warn(
          "--api-key and --token on the command line are visible to other local users in the"
              + " process list; prefer {}/{} or --api-key-file/--token-file",
          LauncherOptions.API_KEY_VARIABLE,
          LauncherOptions.TOKEN_VARIABLE);
    }
    start(options);
  }

  private static CircuitBreaker breaker(String name, Duration recovery) {
    return CircuitBreaker.builder(name).recoveryTimeout(recovery).build();
  }

  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code /health}: the snapshot as JSON, 503 when DOWN. */
  static DashboardHandler.Reply health(RealtimeHealthProbe probe) {
    RealtimeHealth health = probe.check();
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(health.toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the health snapshot is not JSON", e);
    }
    return new DashboardHandler.Reply(
        health.status() == RealtimeHealth.Status.DOWN ? 503 : 200,
        "application/json; charset=utf-8",
        body);
  }

  private static void start(LauncherOptions options) throws Exception {
    log.info("Starting: {}", options);
    RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
    RealtimeObserver observer = metricsBuilder.observer();
    Transport transport =
        options.redisUri() == null
            ? InMemoryTransport.create()
            : RedisTransport.create(
                RedisTransportConfig.builder().uri(options.redisUri()).build(), observer);
    ConnectionRegistry registry = ConnectionRegistry.builder().observer(observer).build();
    LatencyTracker latencies = LatencyTracker.create();
    LauncherSources metrics = new LauncherSources(options, latencies, transport);
    Duration recovery = options.breakerRecovery();
    Duration firstRetry =
        recovery.compareTo(Duration.ofSeconds(1)) < 0 ? recovery : Duration.ofSeconds(1);
    EventBroadcaster events =
        EventBroadcaster.builder(transport, registry)
            .circuitBreaker(breaker(EventBroadcaster.SERVICE_NAME, recovery))
            .recoveryBackoff(firstRetry, recovery)
            .observer(observer)
            .build();
    SystemBroadcasterBuilder systemBuilder =
        SystemBroadcaster.builder(transport, registry, metrics.sources())
            .circuitBreaker(breaker(SystemBroadcaster.SERVICE_NAME, recovery))
            .recoveryBackoff(firstRetry, recovery)
            .interval(options.statusInterval());
    if (options.instanceId() != null) {
      systemBuilder.instanceId(options.instanceId());
    }
    SystemBroadcaster system = systemBuilder.build();
    // The job logs share the events' resilience: a breaker, an outbox, local delivery while
    // degraded; a line larger than the registry's default byte bound is refused at emit.
    JobLogEmitter jobs =
        JobLogEmitter.builder(transport)
            .codec(registry.codec())
            .circuitBreaker(breaker(JobLogEmitter.SERVICE_NAME, recovery))
            .retryInterval(firstRetry)
            .build();
    RealtimeWebSocket.Builder endpoints =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .system(system)
            .jobLogs(jobs)
            .pingInterval(options.pingInterval())
            .idleTimeout(options.idleTimeout())
            .apiKeys(options.apiKeys())
            .allowedOrigins(options.allowedOrigins())
            .trustedProxies(options.trustedProxies())
            .maxConnections(options.maxConnections())
            .maxConnectionsPerAddress(options.maxConnectionsPerAddress())
            .observer(observer);
    if (options.token() != null) {
      endpoints.token(options.token());
    }
    Duration window = Duration.ofMinutes(1);
    int burst = SlidingWindowRateLimiter.DEFAULT_BURST;
    endpoints.rateLimiter(
        transport instanceof RedisTransport redis
            ? new RedisRateLimiter(
                redis, options.connectionRate(), burst, window, TimeSource.system())
            : new SlidingWindowRateLimiter(
                options.connectionRate(), burst, window, TimeSource.system()));
    RealtimeWebSocket websocket = endpoints.build();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ObservedParts parts =
        ObservedParts.builder()
            .eventBroadcaster(events)
            .systemBroadcaster(system)
            .jobLogEmitter(jobs)
            .build();
    metricsBuilder.parts(parts).build().bindTo(prometheus);
    RealtimeHealthProbe health = RealtimeHealthProbe.builder(registry).parts(parts).build();
    Map<String, DashboardHandler.Probe> probes =
        Map.of(
            "/health",
            () -> health(health),
            "/metrics",
            () ->
                new DashboardHandler.Reply(
                    200, PROMETHEUS_TEXT, prometheus.scrape().getBytes(StandardCharsets.UTF_8)),
            io.realtime.metrics.history.PerformanceHistoryEndpoint.PATH,
            DashboardHandler.history(system.performanceHistory(), registry.codec()));
    events.start();
    system.start();
    // Tyrus alone buffers a declared frame until its incoming buffer overflows; the guard refuses
    // an oversized frame with 1009 as its header arrives.
    MessageLimits limits = websocket.messageLimits();
    List<Filter> beforeUpgrade = List.of(new FrameLimitFilter(limits));
    LauncherServer server =
        LauncherServer.start(
            "0.0.0.0",
            options.port(),
            websocket,
            options.idleTimeout(),
            new DashboardHandler(DashboardAssets.load(), probes),
            beforeUpgrade);
    PipelineSimulator simulator = new PipelineSimulator(events, jobs, latencies);
    if (options.simulator()) {
      simulator.start();
    }
    log.info(
        "realtime is up: dashboard http://localhost:{}/, ws://localhost:{}/ws/events, /ws/system,"
            + " /ws/jobs/<job_id>/logs, /health, /metrics ({} transport)",
        server.port(),
        server.port(),
        options.redisUri() == null ? "in-memory" : "Redis");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutting down: telling {} clients", registry.count());
                  simulator.close();
                  system.close();
                  metrics.close();
                  events.close();
                  jobs.close();
                  registry.shutdown(SHUTDOWN_TIMEOUT).join();
                  server.close();
                  websocket.close();
                  transport.close();
                  prometheus.close();
                  log.info("Stopped");
                  // A signal would otherwise end the JVM with 128 + its number; a graceful stop is
                  // a success.
                  Runtime.getRuntime().halt(0);
                },
                "realtime-shutdown"));
    Thread.currentThread().join();
  }
}
