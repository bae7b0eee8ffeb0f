package io.realtime.examples;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.breaker.CircuitBreaker;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.broadcast.SystemBroadcasterBuilder;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.jakarta.ws.MessageLimits;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.jakarta.ws.tyrus.FrameLimitFilter;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.metrics.LatencyTracker;
import io.realtime.redis.RedisRateLimiter;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import java.time.Duration;
import java.util.List;
import org.glassfish.grizzly.filterchain.Filter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a complete realtime server: the three endpoints on Tyrus and the dashboard, behind one
 * Grizzly listener ({@link LauncherServer}), the in-memory transport (or Redis with {@code
 * --redis}), the event and system broadcasters, job logs, host metrics, the metric sources the
 * flags name and, unless {@code --no-simulator}, a simulated pipeline. SIGTERM or Ctrl-C shuts it
 * down gracefully: clients get {@code system.shutdown}, and the process exits 0.
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
    return CircuitBreaker.builder(name).withRecoveryTimeout(recovery).build();
  }

  private static void start(LauncherOptions options) throws Exception {
    log.info("Starting: {}", options);
    Transport transport =
        options.redisUri() == null
            ? InMemoryTransport.create()
            : RedisTransport.create(RedisTransportConfig.builder().uri(options.redisUri()).build());
    ConnectionRegistry registry = ConnectionRegistry.builder().build();
    LatencyTracker latencies = LatencyTracker.create();
    LauncherSources metrics = new LauncherSources(options, latencies, transport);
    Duration recovery = options.breakerRecovery();
    Duration firstRetry =
        recovery.compareTo(Duration.ofSeconds(1)) < 0 ? recovery : Duration.ofSeconds(1);
    EventBroadcaster events =
        EventBroadcaster.builder(transport, registry)
            .circuitBreaker(breaker(EventBroadcaster.SERVICE_NAME, recovery))
            .recoveryBackoff(firstRetry, recovery)
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
    JobLogEmitter jobs = new JobLogEmitter(transport, registry.codec(), TimeSource.system());
    RealtimeWebSocket.Builder endpoints =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .system(system)
            .jobLogs(transport)
            .pingInterval(options.pingInterval())
            .idleTimeout(options.idleTimeout())
            .apiKeys(options.apiKeys())
            .allowedOrigins(options.allowedOrigins())
            .trustedProxies(options.trustedProxies())
            .maxConnections(options.maxConnections())
            .maxConnectionsPerAddress(options.maxConnectionsPerAddress());
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
            new DashboardHandler(DashboardAssets.load()),
            beforeUpgrade);
    PipelineSimulator simulator = new PipelineSimulator(events, jobs, latencies);
    if (options.simulator()) {
      simulator.start();
    }
    log.info(
        "realtime is up: dashboard http://localhost:{}/, ws://localhost:{}/ws/events, /ws/system,"
            + " /ws/jobs/<job_id>/logs ({} transport)",
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
                  registry.shutdown(SHUTDOWN_TIMEOUT).join();
                  server.close();
                  websocket.close();
                  transport.close();
                  log.info("Stopped");
                  // A signal would otherwise end the JVM with 128 + its number; a graceful stop is
                  // a success.
                  Runtime.getRuntime().halt(0);
                },
                "realtime-shutdown"));
    Thread.currentThread().join();
  }
}
