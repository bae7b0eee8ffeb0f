package io.realtime.jakarta.ws;

import jakarta.websocket.server.ServerEndpointConfig;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 (ee10), the endpoints added to its server container at start. */
final class JettyServer implements WebSocketServerUnderTest {

  private Server server;

  @Override
  public int start(RealtimeWebSocket websocket) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    server.setHandler(context);
    JakartaWebSocketServletContainerInitializer.configure(
        context,
        (servletContext, container) -> {
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
