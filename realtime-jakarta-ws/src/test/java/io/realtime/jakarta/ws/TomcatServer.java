package io.realtime.jakarta.ws;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/** Embedded Tomcat 11, the endpoints added to its server container when the context starts. */
final class TomcatServer implements WebSocketServerUnderTest {

  /** Tomcat reports the library's daemon threads as leaks of the test "webapp" when it stops. */
  private static final Logger LEAK_REPORTS =
      Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");

  private Tomcat tomcat;

  @Override
  public int start(RealtimeWebSocket websocket) throws Exception {
    LEAK_REPORTS.setLevel(Level.SEVERE);
    Path base = Files.createTempDirectory("realtime-tomcat-");
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base.toString());
    context.addServletContainerInitializer(new WsSci(), null);
    context.addServletContainerInitializer(
        (classes, servletContext) ->
            servletContext.addListener(
                new ServletContextListener() {
                  @Override
                  public void contextInitialized(ServletContextEvent event) {
                    ServerContainer container =
                        (ServerContainer)
                            event.getServletContext().getAttribute(ServerContainer.class.getName());
                    try {
                      for (ServerEndpointConfig config : websocket.endpointConfigs()) {
                        container.addEndpoint(config);
                      }
                    } catch (DeploymentException e) {
                      throw new IllegalStateException(e);
                    }
                  }
                }),
        null);
    Tomcat.addServlet(
        context,
        "default",
        new HttpServlet() {
          private static final long serialVersionUID = 1L;
        });
    context.addServletMappingDecoded("/", "default");
    tomcat.start();
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }
}
