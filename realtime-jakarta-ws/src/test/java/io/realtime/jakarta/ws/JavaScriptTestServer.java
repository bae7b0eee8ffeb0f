package io.realtime.jakarta.ws;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.metrics.MetricSources;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * What the JavaScript client's real-endpoint tests talk to: Jetty with the three endpoints (API key
 * {@value #API_KEY}), the jar's {@code META-INF/resources} (so {@code /realtime/realtime-client.js}
 * is served as in a deployment) and an empty page at {@code /page.html}; an in-memory backbone that
 * outlives {@link #restart()}, which stops Jetty and starts a new one on the same port. Each {@link
 * #collect()} reports a host CPU one higher than the last.
 */
final class JavaScriptTestServer implements AutoCloseable {

  static final String API_KEY = "js-it-key";

  final InMemoryTransport transport = InMemoryTransport.create();
  final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  final EventBroadcaster events = EventBroadcaster.builder(transport, registry).build();
  final JobLogEmitter jobs = new JobLogEmitter(transport, MessageCodec.json(), TimeSource.system());
  private final AtomicInteger cpu = new AtomicInteger();
  private final SystemBroadcaster system =
      SystemBroadcaster.builder(
              transport,
              registry,
              MetricSources.builder()
                  .timeout(Duration.ofSeconds(10))
                  .host(() -> new HostStats((double) cpu.get(), 2.0, 4.0, 8.0, 16.0))
                  .build())
          .instanceId("js-it")
          .interval(Duration.ofMinutes(10))
          .build();
  private final RealtimeWebSocket websocket;
  private Server jetty;
  private int port;

  JavaScriptTestServer() throws Exception {
    events.start();
    system.start();
    websocket =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .system(system)
            .jobLogs(jobs)
            .apiKeys(List.of(API_KEY))
            .build();
    start();
  }

  /** The URL of a path on this server, e.g. {@code ws} and {@code /ws/events}. */
  String url(String scheme, String path) {
    return scheme + "://127.0.0.1:" + port + path;
  }

  /** Publishes a message of {@code type} on the event stream and waits until it went out. */
  void publish(String type, Map<String, ?> data) {
    events.publish(Envelope.of(type, data)).toCompletableFuture().join();
  }

  /**
   * Collects and broadcasts a system status and a performance update now.
   *
   * @return the host CPU percent it reported
   */
  int collect() {
    int reported = cpu.incrementAndGet();
    system.collectNow().toCompletableFuture().join();
    return reported;
  }

  /** Stops Jetty (its connections close) and starts a new one on the same port. */
  void restart() throws Exception {
    stop();
    start();
  }

  /** Stops Jetty; the backbone goes on (what is published meanwhile is kept for resyncs). */
  void stop() throws Exception {
    jetty.stop();
  }

  /** Starts Jetty, on the port of the last one if there was one. */
  void start() throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.setBaseResource(
        ResourceFactory.of(context)
            .newResource(Path.of("target", "classes", "META-INF", "resources").toAbsolutePath()));
    context.addServlet(new ServletHolder("static", DefaultServlet.class), "/");
    context.addServlet(new ServletHolder(new EmptyPage()), "/page.html");
    JakartaWebSocketServletContainerInitializer.configure(
        context,
        (servletContext, container) -> {
          for (ServerEndpointConfig config : websocket.endpointConfigs()) {
            container.addEndpoint(config);
          }
        });
    server.setHandler(context);
    server.start();
    jetty = server;
    port = connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    jetty.stop();
    websocket.close();
    system.close();
    jobs.close();
    events.close();
    registry.shutdown(Duration.ofMillis(200)).join();
    transport.close();
  }

  /** A page of this origin for a browser to run scripts in. */
  private static final class EmptyPage extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.setContentType("text/html;charset=utf-8");
      response.getWriter().write("<!doctype html><title>realtime-client test</title>");
    }
  }
}
