package io.realtime.examples.embedded;

import io.realtime.jakarta.ws.RealtimeWebSocket;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * An application on embedded Tomcat 11: its own servlet at {@code /api/connections} and the
 * realtime endpoints at {@code /ws/...}, mounted on Tomcat's server container when the context
 * starts.
 */
public final class EmbeddedTomcatApp implements AutoCloseable {

  private final Tomcat tomcat;
  private final Connector connector;

  private EmbeddedTomcatApp(Tomcat tomcat, Connector connector) {
    this.tomcat = tomcat;
    this.connector = connector;
  }

  /**
   * Starts Tomcat with the application and the endpoints.
   *
   * @param port the port, 0 for any free one
   * @param stack the realtime stack to mount
   * @return the running application
   * @throws Exception if Tomcat cannot start
   */
  public static EmbeddedTomcatApp start(int port, RealtimeStack stack) throws Exception {
    Path base = Files.createTempDirectory("realtime-tomcat-");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(port);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base.toString());
    context.addServletContainerInitializer(new WsSci(), null);
    context.addServletContainerInitializer(
        (classes, servletContext) -> servletContext.addListener(new Mount(stack.websocket())),
        null);
    Tomcat.addServlet(context, "connections", new ConnectionsServlet(stack.registry()))
        .addMapping("/api/connections");
    // Tomcat runs its WebSocket upgrade filter only for requests that some servlet maps.
    Tomcat.addServlet(context, "default", new DefaultServlet()).addMapping("/");
    tomcat.start();
    return new EmbeddedTomcatApp(tomcat, connector);
  }

  /** Adds the endpoints once Tomcat's server container exists. */
  private static final class Mount implements ServletContextListener {
    private final RealtimeWebSocket websocket;

    Mount(RealtimeWebSocket websocket) {
      this.websocket = websocket;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
      ServerContainer container =
          (ServerContainer) event.getServletContext().getAttribute(ServerContainer.class.getName());
      try {
        for (ServerEndpointConfig config : websocket.endpointConfigs()) {
          container.addEndpoint(config);
        }
      } catch (DeploymentException e) {
        throw new IllegalStateException("realtime endpoints could not be mounted", e);
      }
    }
  }

  /**
   * Returns the port Tomcat listens on.
   *
   * @return the port
   */
  public int port() {
    return connector.getLocalPort();
  }

  /**
   * Stops Tomcat.
   *
   * @throws LifecycleException if Tomcat fails to stop
   */
  @Override
  public void close() throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
  }

  /**
   * Runs the example on port 8080 until the JVM stops.
   *
   * @param args ignored
   * @throws Exception if Tomcat cannot start
   */
  public static void main(String[] args) throws Exception {
    RealtimeStack stack = new RealtimeStack(Duration.ofSeconds(5));
    EmbeddedTomcatApp app = start(8080, stack);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "realtime-shutdown"));
    app.tomcat.getServer().await();
  }
}
