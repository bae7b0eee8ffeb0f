package io.realtime.examples;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.core.Utils;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The launcher's HTTP server: one Grizzly listener whose filter chain upgrades the WebSocket paths
 * to Tyrus and hands every other request to one {@link HttpHandler}. It is what Tyrus's own {@code
 * Server} builds, assembled here so that the launcher chooses the static handler (headers, error
 * pages) and may put its own filters in front of Tyrus's.
 *
 * <p>The chain, in order: transport, HTTP codec, the {@code beforeUpgrade} filters, Tyrus's upgrade
 * and frame filter ({@link GrizzlyServerFilter}), the HTTP server filter with the handler. A filter
 * in {@code beforeUpgrade} sees every request and, once a connection is upgraded, its raw frames
 * before Tyrus buffers them.
 */
final class LauncherServer implements AutoCloseable {

  private static final String CONTEXT_PATH = "/";
  private static final String LISTENER = "realtime";

  private final HttpServer http;
  private final NetworkListener listener;
  private final Container container;

  private LauncherServer(HttpServer http, NetworkListener listener, Container container) {
    this.http = http;
    this.listener = listener;
    this.container = container;
  }

  /**
   * Deploys the endpoints and starts listening.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0}
   * @param port the port; 0 for one the system chooses ({@link #port()} tells which)
   * @param endpoints the WebSocket endpoints
   * @param content serves every request that is not a WebSocket upgrade to an endpoint
   * @param tyrusProperties Tyrus server properties ({@link
   *     TyrusWebSocketEngine#INCOMING_BUFFER_SIZE} and the session caps are read), possibly empty
   * @param beforeUpgrade Grizzly filters put in front of Tyrus's, in this order
   * @return the started server
   * @throws IOException if the port cannot be bound
   * @throws DeploymentException if an endpoint is refused
   */
  static LauncherServer start(
      String host,
      int port,
      Collection<ServerEndpointConfig> endpoints,
      HttpHandler content,
      Map<String, Object> tyrusProperties,
      List<Filter> beforeUpgrade)
      throws IOException, DeploymentException {
    Container container = new Container(tyrusProperties);
    for (ServerEndpointConfig endpoint : endpoints) {
      container.addEndpoint(endpoint);
    }
    container.start(CONTEXT_PATH, port); // registers the endpoints with the engine

    HttpServer http = new HttpServer();
    NetworkListener listener = new NetworkListener(LISTENER, host, port);
    // As Tyrus's own server: the worker threads run the endpoints, and HTTP keep-alive never
    // closes an upgraded connection (the endpoints' heartbeat and idle timeout do).
    listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
    listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
    listener.registerAddOn(new WebSocketFilters(container, beforeUpgrade));
    http.addListener(listener);

    ServerConfiguration config = http.getServerConfiguration();
    config.addHttpHandler(content, "/");
    config.setDefaultErrorPageGenerator(new DashboardHandler.PlainErrorPage());
    config.setJmxEnabled(false);
    try {
      http.start();
    } catch (IOException | RuntimeException e) {
      container.stop();
      throw e;
    }
    return new LauncherServer(http, listener, container);
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the bound port, also when 0 was asked
   */
  int port() {
    return listener.getPort();
  }

  /** Stops the endpoints' container and the listener, dropping what is still connected. */
  @Override
  public void close() {
    container.stop();
    http.shutdownNow();
  }

  /** Puts the launcher's filters, then Tyrus's, right before the HTTP server filter. */
  private record WebSocketFilters(Container container, List<Filter> beforeUpgrade)
      implements AddOn {
    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
      int httpServer = builder.indexOfType(HttpServerFilter.class);
      builder.add(httpServer, new GrizzlyServerFilter(container, CONTEXT_PATH));
      for (int i = beforeUpgrade.size() - 1; i >= 0; i--) {
        builder.add(httpServer, beforeUpgrade.get(i));
      }
    }
  }

  /** Tyrus's engine behind a plain container, as Tyrus's Grizzly container has it. */
  private static final class Container extends TyrusServerContainer {
    private final Map<String, Object> properties;
    private final WebSocketEngine engine;

    Container(Map<String, Object> properties) {
      super((Set<Class<?>>) null);
      this.properties = Map.copyOf(properties);
      this.engine =
          TyrusWebSocketEngine.builder(this)
              .incomingBufferSize(
                  Utils.getProperty(
                      properties, TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, Integer.class))
              .maxSessionsPerApp(
                  Utils.getProperty(
                      properties, TyrusWebSocketEngine.MAX_SESSIONS_PER_APP, Integer.class))
              .maxSessionsPerRemoteAddr(
                  Utils.getProperty(
                      properties, TyrusWebSocketEngine.MAX_SESSIONS_PER_REMOTE_ADDR, Integer.class))
              .build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
      engine.register(endpointClass, CONTEXT_PATH);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
      engine.register(serverEndpointConfig, CONTEXT_PATH);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
      return engine;
    }

    @Override
    public Map<String, Object> getProperties() {
      return properties;
    }
  }
}
