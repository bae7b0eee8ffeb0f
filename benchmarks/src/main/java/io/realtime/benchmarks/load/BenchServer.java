package io.realtime.benchmarks.load;

import io.realtime.admission.ConnectionRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.metrics.MetricSources;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One server under test: {@code realtime} (the library's endpoints) or {@code bare} (a broadcast
 * loop), both on Jetty 12, or {@code limit} (a Netty broadcast, see {@link LimitServer}); in memory
 * or across instances through Redis ({@link RedisRelay} for {@code bare} and {@code limit}). A
 * small control API lets the harness publish: {@code POST /bench/publish?count=N} publishes N
 * events at once; {@code POST /bench/pace?rate=R&seconds=S} publishes R events a second for S
 * seconds, 1 % of them every 10 ms; {@code GET /bench/stats[?gc=true]} reports connections, heap
 * and live threads.
 *
 * <p>Arguments: {@code realtime|bare|limit PORT [--redis URI --channel NAME] [--ping-seconds N]
 * [--status-seconds N]}; the last makes realtime also run its system status broadcaster (no metric
 * sources, publishing even without clients) at that interval, as a deployment does.
 */
public final class BenchServer {

  private final AtomicLong ids = new AtomicLong();
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  private LongConsumer publisher;
  private Runnable afterBatch = () -> {};
  private IntSupplier connections;

  private BenchServer() {}

  /**
   * Starts a server; it runs until killed.
   *
   * @param args see the class comment
   * @throws Exception if it cannot start
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args, 2);
    new BenchServer().start(args[0], Integer.parseInt(args[1]), options);
  }

  private static Map<String, String> options(String[] args, int from) {
    Map<String, String> options = new HashMap<>();
    for (int i = from; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  private void start(String mode, int port, Map<String, String> options) throws Exception {
    String redis = options.get("--redis");
    String channel = options.getOrDefault("--channel", "bench_events");
    Duration ping =
        Duration.ofSeconds(Long.parseLong(options.getOrDefault("--ping-seconds", "30")));
    List<ServerEndpointConfig> endpoints = new ArrayList<>();
    if (mode.equals("realtime")) {
      Transport transport =
          redis == null
              ? InMemoryTransport.create()
              : RedisTransport.create(RedisTransportConfig.builder().uri(redis).build());
      ConnectionRegistry registry = ConnectionRegistry.builder().build();
      EventBroadcaster events =
          EventBroadcaster.builder(transport, registry).transportChannel(channel).build();
      events.start();
      String status = options.get("--status-seconds");
      RealtimeWebSocket.Builder builder =
          RealtimeWebSocket.builder(registry)
              .events(events)
              .pingInterval(ping)
              // One load generator on one address: the per-IP rate limit and connection caps
              // would refuse it (the connections scenario holds 20,000).
              .rateLimiter(ConnectionRateLimiter.unlimited())
              .maxConnections(1_000_000)
              .maxConnectionsPerAddress(1_000_000)
              .idleTimeout(ping.multipliedBy(4));
      if (status != null) {
        SystemBroadcaster system =
            SystemBroadcaster.builder(transport, registry, MetricSources.none())
                .interval(Duration.ofSeconds(Long.parseLong(status)))
                .publisher(true)
                .transportChannels(channel + "_status", channel + "_performance")
                .build();
        system.start();
        builder.system(system);
      }
      endpoints.addAll(builder.build().endpointConfigs());
      publisher = id -> events.publish(BenchEvents.payload(id));
      connections = () -> registry.count("events");
    } else if (mode.equals("bare")) {
      BareBroadcaster bare = new BareBroadcaster();
      Endpoint endpoint = bare.new BareEndpoint();
      endpoints.add(
          ServerEndpointConfig.Builder.create(endpoint.getClass(), "/ws/events")
              .configurator(
                  new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                      return type.cast(endpoint);
                    }
                  })
              .build());
      publisher =
          frames(
              redis == null ? bare::broadcast : RedisRelay.start(redis, channel, bare::broadcast));
      connections = bare::count;
    } else if (mode.equals("limit")) {
      LimitServer limit = new LimitServer(this);
      if (redis == null) {
        // Locally a batch of events is written to every client, then flushed once.
        publisher = frames(frame -> limit.broadcast(frame, false));
        afterBatch = limit::flush;
      } else {
        publisher = frames(RedisRelay.start(redis, channel, frame -> limit.broadcast(frame, true)));
      }
      connections = limit::count;
      limit.serve(port);
      return;
    } else {
      throw new IllegalArgumentException(
          "mode must be realtime, bare or limit, got '" + mode + "'");
    }
    serve(port, endpoints);
  }

  /** Publishes each event as the baseline systems' frame, a new one stamped now. */
  private static LongConsumer frames(Consumer<String> sink) {
    return id -> sink.accept(BenchEvents.frame(BenchEvents.data(id)));
  }

  private void serve(int port, List<ServerEndpointConfig> endpoints) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("0.0.0.0");
    connector.setPort(port);
    connector.setAcceptQueueSize(4096);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new Control()), "/bench/*");
    JakartaWebSocketServletContainerInitializer.configure(
        context,
        (servletContext, container) -> {
          // Heartbeats and the protocol's own idle timeout decide; the container never closes.
          container.setDefaultMaxSessionIdleTimeout(0);
          for (ServerEndpointConfig endpoint : endpoints) {
            container.addEndpoint(endpoint);
          }
        });
    server.setHandler(context);
    server.start();
    server.join();
  }

  /** Publishes {@code count} events at once (the control API's {@code /bench/publish}). */
  void publish(long count) {
    for (long i = 0; i < count; i++) {
      publisher.accept(ids.incrementAndGet());
    }
    afterBatch.run();
  }

  /**
   * Connections, heap (after a full GC when asked) and live threads (the control API's {@code
   * /bench/stats}).
   */
  String stats(boolean gc) {
    if (gc) {
      System.gc();
      System.gc();
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    return "{\"connections\":"
        + connections.getAsInt()
        + ",\"heap_used\":"
        + heap
        + ",\"threads\":"
        + threads
        + "}";
  }

  private final class Control extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      switch (request.getPathInfo()) {
        case "/publish" -> publish(Long.parseLong(request.getParameter("count")));
        case "/pace" ->
            pace(
                Integer.parseInt(request.getParameter("rate")),
                Integer.parseInt(request.getParameter("seconds")));
        default -> {
          response.sendError(404);
          return;
        }
      }
      response.getWriter().write("{\"ok\":true}");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("application/json");
      response.getWriter().write(stats("true".equals(request.getParameter("gc"))));
    }
  }

  /**
   * Publishes {@code rate} events a second for {@code seconds} (the control API's {@code
   * /bench/pace}).
   */
  void pace(int rate, int seconds) {
    long ticks = seconds * 100L;
    AtomicLong tick = new AtomicLong();
    pacer.scheduleAtFixedRate(
        () -> {
          long now = tick.incrementAndGet();
          if (now > ticks) {
            throw new IllegalStateException("done"); // ends this schedule
          }
          // Whole events per 10 ms tick, so that rates below 100 a second hold too.
          publish(now * rate / 100 - (now - 1) * rate / 100);
        },
        0,
        10,
        TimeUnit.MILLISECONDS);
  }
}
