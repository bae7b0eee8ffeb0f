package io.realtime.jakarta.ws;

import io.realtime.jakarta.ws.tyrus.TyrusFrameGuard;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * Tyrus in a Grizzly server of its own, as a host embeds it: Tyrus's {@code WebSocketAddOn}, the
 * endpoints deployed through {@link RealtimeServerApplicationConfig}, the frame guard installed and
 * Tyrus's incoming buffer sized to the endpoints' limits.
 */
final class TyrusServer implements WebSocketServerUnderTest {

  private static final String ROOT = "/";

  private HttpServer server;
  private TyrusServerContainer container;

  @Override
  public int start(RealtimeWebSocket websocket) throws Exception {
    container = new Container(websocket);
    server = new HttpServer();
    NetworkListener listener = new NetworkListener("realtime", "127.0.0.1", 0);
    listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
    listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
    listener.registerAddOn(new WebSocketAddOn(container, ROOT));
    server.addListener(listener);
    TyrusFrameGuard.install(server, websocket.messageLimits());
    server.start();
    container.start(ROOT, listener.getPort());
    container.doneDeployment();
    return listener.getPort();
  }

  @Override
  public void close() {
    if (container != null) {
      container.stop();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  /** Tyrus's server container over its engine, deploying the application config. */
  private static final class Container extends TyrusServerContainer {
    private final Map<String, Object> properties;
    private final WebSocketEngine engine;

    Container(RealtimeWebSocket websocket) {
      super(
          new RealtimeServerApplicationConfig() {
            @Override
            protected RealtimeWebSocket realtime() {
              return websocket;
            }
          });
      properties = TyrusFrameGuard.serverProperties(websocket.messageLimits());
      engine =
          TyrusWebSocketEngine.builder(this)
              .incomingBufferSize(TyrusFrameGuard.incomingBufferSize(websocket.messageLimits()))
              .build();
    }

    @Override
    public Map<String, Object> getProperties() {
      return properties;
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
      engine.register(endpointClass, ROOT);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
      engine.register(serverEndpointConfig, ROOT);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
      return engine;
    }
  }
}
