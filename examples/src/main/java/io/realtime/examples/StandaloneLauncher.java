package io.realtime.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.breaker.CircuitBreaker;
import io.realtime.breaker.CircuitBreakerRegistry;
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
import io.realtime.metrics.history.PerformanceHistoryEndpoint;
import io.realtime.micrometer.RealtimeMetrics;
import io.realtime.observe.RealtimeObserver;
import io.realtime.redis.RedisRateLimiter;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.glassfish.grizzly.filterchain.Filter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts a complete realtime server: the three endpoints on Tyrus and the dashboard, behind one
 * Grizzly listener ({@link LauncherServer}), the in-memory transport (or Redis with {@code
 * --redis}), the event and system broadcasters, job logs, host metrics, the metric sources the
 * flags name and, unless {@code --no-simulator}, a simulated pipeline. {@code GET /health} answers
 * the {@link RealtimeHealth} snapshot as JSON (200 when UP or DEGRADED, 503 when DOWN) and {@code
 * GET /metrics} the {@link RealtimeMetrics} meters in the Prometheus text format, and {@code GET
 * /api/performance/history?range=5m|15m|60m} the {@link PerformanceHistoryEndpoint} view. SIGTERM
 * or Ctrl-C shuts it down gracefully: clients get {@code system.shutdown}, and the process exits 0.
 */
public final class StandaloneLauncher {

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(4);

  /** Exit status for bad usage: an unknown flag or a bad value. */
  static final int EXIT_USAGE = 2;

  /** Exit status when the server cannot start. */
  static final int EXIT_START_FAILURE = 1;

  /** slf4j-simple's property for the default level, read when the first logger is made. */
  private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  private StandaloneLauncher() {}

  /**
   * The logger, made on first use: after {@code --log-level} has set slf4j-simple's level, which it
   * reads once, when the first logger is made.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(StandaloneLauncher.class);
  }

  /**
   * Runs the launcher: exits 2 with one line for bad usage, 1 with one line when the server cannot
   * start, and 0 after a graceful stop.
   *
   * @param args the flags; see {@code --help}
   */
  public static void main(String[] args) {
    LauncherOptions options;
    try {
      options = LauncherOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("realtime-standalone: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    } catch (RuntimeException e) {
      // Unforeseen: its message might echo what was given, so only its kind is named.
      System.err.println(
          "realtime-standalone: the command line cannot be read ("
              + e.getClass().getSimpleName()
              + "; see --help)");
      System.exit(EXIT_USAGE);
      return;
    }
    switch (options.request()) {
      case HELP -> System.out.print(LauncherOptions.usage());
      case VERSION -> System.out.print(LauncherOptions.version());
      case RUN -> run(options);
    }
  }

  /** Starts the server and waits for the stop; exits 1 with one line if it cannot start. */
  private static void run(LauncherOptions options) {
    if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(LOG_LEVEL_PROPERTY, options.logLevel());
    }
    // Grizzly and Tyrus log through java.util.logging; their lines get the launcher's format too.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    java.util.logging.Logger.getLogger("").setLevel(julLevel(options.logLevel()));
    Logger log = Log.LOG;
    if (!options.unknownVariables().isEmpty()) {
      log.warn(
          "No flag reads {}: a typo? (--help lists the variables)", options.unknownVariables());
    }
    if (options.secretsOnCommandLine()) {
      log.warn(
          "--api-key and --token on the command line are visible to other local users in the"
              + " process list; prefer {}/{} or --api-key-file/--token-file",
          LauncherOptions.API_KEY_VARIABLE,
          LauncherOptions.TOKEN_VARIABLE);
    }
    try {
      start(options);
    } catch (StartFailure e) {
      log.error("Cannot start: {}", e.getMessage());
      System.exit(EXIT_START_FAILURE);
    } catch (RuntimeException e) {
      // Unforeseen, but still one line and an exit: the threads already started would otherwise
      // keep a half-started server alive. A third party's message may hold what it was given (a
      // JDBC URL with its password), so only the kind is logged; the whole failure at debug.
      log.error("Cannot start: unexpected {} (--log-level debug shows it)", e.getClass().getName());
      log.debug("The failure", e);
      System.exit(EXIT_START_FAILURE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The java.util.logging level that lets through what {@code level} does, and no more. */
  private static Level julLevel(String level) {
    return switch (level) {
      case "error" -> Level.SEVERE;
      case "warn" -> Level.WARNING;
      case "info" -> Level.INFO;
      case "debug" -> Level.FINE;
      default -> Level.FINEST;
    };
  }

  /** Why the server could not start, in one line that names the flag and never a secret. */
  static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;

    StartFailure(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs one step of the start; a value the library refuses is reported with the flag or variable
   * that gave it, and the value (masked) when the library's message does not quote it.
   */
  private static <T> T refusedAs(String source, Supplier<T> step, String maskedValue)
      throws StartFailure {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new StartFailure(
          source
              + ": "
              + e.getMessage()
              + (maskedValue == null ? "" : " (got '" + maskedValue + "')"));
    }
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

  private static void start(LauncherOptions options) throws StartFailure, InterruptedException {
    Logger log = Log.LOG;
    log.info("Starting: {}", options);
    InetAddress bindAddress;
    try {
      bindAddress = InetAddress.getByName(options.host());
    } catch (UnknownHostException e) {
      throw new StartFailure("--host " + options.host() + " is not a known address");
    }
    RealtimeMetrics.Builder metricsBuilder = RealtimeMetrics.builder();
    RealtimeObserver observer = metricsBuilder.observer();
    Transport transport =
        options.redisUri() == null
            ? InMemoryTransport.create()
            : RedisTransport.create(
                refusedAs(
                    options.source("--redis"),
                    () -> RedisTransportConfig.builder().uri(options.redisUri()).build(),
                    LauncherOptions.redactUserInfo(options.redisUri())),
                observer);
    ConnectionRegistry registry = ConnectionRegistry.builder().observer(observer).build();
    LatencyTracker latencies = LatencyTracker.create();
    LauncherSources metrics = new LauncherSources(options, latencies, transport);
    Duration recovery = options.breakerRecovery();
    Duration firstRetry =
        recovery.compareTo(Duration.ofSeconds(1)) < 0 ? recovery : Duration.ofSeconds(1);
    // Every breaker is registered, so /ws/system reports their changes (circuit_breaker_update).
    CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(TimeSource.system());
    EventBroadcaster events =
        EventBroadcaster.builder(transport, registry)
            .circuitBreaker(breakers.register(breaker(EventBroadcaster.SERVICE_NAME, recovery)))
            .recoveryBackoff(firstRetry, recovery)
            .observer(observer)
            .build();
    SystemBroadcasterBuilder systemBuilder =
        SystemBroadcaster.builder(transport, registry, metrics.sources())
            .circuitBreaker(breakers.register(breaker(SystemBroadcaster.SERVICE_NAME, recovery)))
            .circuitBreakers(breakers)
            .recoveryBackoff(firstRetry, recovery);
    refusedAs(
        options.source("--status-interval"),
        () -> systemBuilder.interval(options.statusInterval()),
        null);
    if (options.instanceId() != null) {
      refusedAs(
          options.source("--instance-id"),
          () -> systemBuilder.instanceId(options.instanceId()),
          null);
    }
    SystemBroadcaster system = systemBuilder.build();
    // The job logs share the events' resilience: a breaker, an outbox, local delivery while
    // degraded; a line larger than the registry's default byte bound is refused at emit.
    JobLogEmitter jobs =
        JobLogEmitter.builder(transport)
            .codec(registry.codec())
            .circuitBreaker(breakers.register(breaker(JobLogEmitter.SERVICE_NAME, recovery)))
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
            PerformanceHistoryEndpoint.PATH,
            DashboardHandler.history(
                system.performanceHistory(), registry.codec(), websocket::acceptsCredentials));
    events.start();
    system.start();
    // Tyrus alone buffers a declared frame until its incoming buffer overflows; the guard refuses
    // an oversized frame with 1009 as its header arrives.
    MessageLimits limits = websocket.messageLimits();
    List<Filter> beforeUpgrade = List.of(new FrameLimitFilter(limits));
    DashboardAssets assets;
    try {
      assets = DashboardAssets.load();
    } catch (IOException e) {
      throw new StartFailure("the dashboard's files cannot be read: " + e.getMessage());
    }
    LauncherServer server;
    try {
      server =
          LauncherServer.start(
              options.host(),
              options.port(),
              websocket,
              options.idleTimeout(),
              new DashboardHandler(assets, probes),
              beforeUpgrade);
    } catch (IOException | DeploymentException e) {
      throw new StartFailure(
          "cannot listen on "
              + options.host()
              + " port "
              + options.port()
              + ": "
              + Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()));
    }
    if (!bindAddress.isLoopbackAddress()
        && options.apiKeys().isEmpty()
        && options.token() == null) {
      log.warn(
          "Listening on {} ({}) with no API key or token: anyone who can reach port {} can"
              + " connect. Set {} or {}, or listen on loopback only with --host 127.0.0.1",
          options.host(),
          bindAddress.isAnyLocalAddress() ? "every interface" : "beyond loopback",
          server.port(),
          LauncherOptions.API_KEY_VARIABLE,
          LauncherOptions.TOKEN_VARIABLE);
    }
    PipelineSimulator simulator = new PipelineSimulator(events, jobs, latencies);
    if (options.simulator()) {
      simulator.start();
    }
    log.info(
        "realtime is up on {}: dashboard http://localhost:{}/, ws://localhost:{}/ws/events,"
            + " /ws/system, /ws/jobs/<job_id>/logs, /health, /metrics, /api/performance/history"
            + " ({} transport)",
        options.host(),
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
