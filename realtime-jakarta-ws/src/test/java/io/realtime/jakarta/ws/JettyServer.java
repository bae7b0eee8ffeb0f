package io.realtime.jakarta.ws;

import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12 (ee10), the endpoints added to its server container at start. */
final class JettyServer implements WebSocketServerUnderTest {

  private final int threads;
  private final Duration idleTimeout;
  private Server server;

  /** Jetty with its default thread pool and idle timeouts. */
  JettyServer() {
    this(0, null);
  }

  /**
   * Jetty on a fixed pool, so that its threads do not grow with the load (what grows is the
   * library's), and sessions idle up to {@code idleTimeout} (clients that only listen).
   *
   * @param threads the pool's fixed size
   * @param idleTimeout the connections' and sessions' idle timeout
   */
  JettyServer(int threads, Duration idleTimeout) {
    this.threads = threads;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public int start(RealtimeWebSocket websocket) throws Exception {
    if (threads > 0) {
      QueuedThreadPool pool = new QueuedThreadPool(threads, threads);
      pool.setName("jetty-server");
      server = new Server(pool);
    } else {
      server = new Server();
    }
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    if (idleTimeout != null) {
      connector.setIdleTimeout(idleTimeout.toMillis());
    }
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    server.setHandler(context);
    JakartaWebSocketServletContainerInitializer.configure(
        context,
        (servletContext, container) -> {
          if (idleTimeout != null) {
            container.setDefaultMaxSessionIdleTimeout(idleTimeout.toMillis());
          }
          for (ServerEndpointConfig config : websocket.endpointConfigs()) {
            container.addEndpoint(config);
          }
        });
    server.start();
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.stop();
    }
  }
}
