package io.realtime.examples.embedded;

import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An application on Jetty 12 (ee10): its own servlet at {@code /api/connections} and the realtime
 * endpoints at {@code /ws/...}, added to Jetty's Jakarta WebSocket container at start.
 */
public final class EmbeddedJettyApp implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;

  private EmbeddedJettyApp(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts Jetty with the application and the endpoints.
   *
   * @param port the port, 0 for any free one
   * @param stack the realtime stack to mount
   * @return the running application
   * @throws Exception if Jetty cannot start
   */
  public static EmbeddedJettyApp start(int port, RealtimeStack stack) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(
        new ServletHolder(new ConnectionsServlet(stack.registry())), "/api/connections");
    JakartaWebSocketServletContainerInitializer.configure(
        context,
        (servletContext, container) -> {
          for (ServerEndpointConfig config : stack.websocket().endpointConfigs()) {
            container.addEndpoint(config);
          }
        });
    server.setHandler(context);
    server.start();
    return new EmbeddedJettyApp(server, connector);
  }

  /**
   * Returns the port Jetty listens on.
   *
   * @return the port
   */
  public int port() {
    return connector.getLocalPort();
  }

  /** Stops Jetty. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Jetty did not stop cleanly", e);
    }
  }

  /**
   * Runs the example on port 8080 until the JVM stops.
   *
   * @param args ignored
   * @throws Exception if Jetty cannot start
   */
  public static void main(String[] args) throws Exception {
    RealtimeStack stack = new RealtimeStack(Duration.ofSeconds(5));
    EmbeddedJettyApp app = start(8080, stack);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "realtime-shutdown"));
    app.server.join();
  }
}
