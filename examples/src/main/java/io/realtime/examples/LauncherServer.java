package io.realtime.examples;

import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.jakarta.ws.tyrus.RealtimeTyrusContainer;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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

  /** How much longer than the endpoints' idle timeout a silent socket is kept. */
  private static final long IDLE_MARGIN_SECONDS = 5;

  private final HttpServer http;
  private final NetworkListener listener;
  private final RealtimeTyrusContainer container;

  private LauncherServer(
      HttpServer http, NetworkListener listener, RealtimeTyrusContainer container) {
    this.http = http;
    this.listener = listener;
    this.container = container;
  }

  /**
   * Deploys the endpoints and starts listening.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0}
   * @param port the port; 0 for one the system chooses ({@link #port()} tells which)
   * @param websocket the WebSocket endpoints
   * @param idleTimeout the endpoints' idle timeout; a socket with no traffic for a little longer is
   *     closed, whether it is an upgraded WebSocket or an HTTP connection
   * @param content serves every request that is not a WebSocket upgrade to an endpoint
   * @param beforeUpgrade Grizzly filters put in front of Tyrus's, in this order
   * @return the started server
   * @throws IOException if the port cannot be bound
   * @throws DeploymentException if an endpoint is refused
   */
  static LauncherServer start(
      String host,
      int port,
      RealtimeWebSocket websocket,
      Duration idleTimeout,
      HttpHandler content,
      List<Filter> beforeUpgrade)
      throws IOException, DeploymentException {
    RealtimeTyrusContainer container = new RealtimeTyrusContainer(websocket);
    container.start(CONTEXT_PATH, port); // registers the endpoints with the engine

    HttpServer http = new HttpServer();
    NetworkListener listener = new NetworkListener(LISTENER, host, port);
    // As Tyrus's own server, the worker threads run the endpoints. Grizzly's idle timeout covers
    // every socket, upgraded or not: Tyrus turns it off (-1), which lets a socket that sends
    // nothing, or half a request, stay open for ever. Here it is a little longer than the
    // endpoints' own idle timeout, which closes an idle WebSocket properly first.
    listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
    listener
        .getKeepAlive()
        .setIdleTimeoutInSeconds(
            (int) Math.min(Integer.MAX_VALUE, idleTimeout.toSeconds() + IDLE_MARGIN_SECONDS));
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
  private record WebSocketFilters(RealtimeTyrusContainer container, List<Filter> beforeUpgrade)
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
}
