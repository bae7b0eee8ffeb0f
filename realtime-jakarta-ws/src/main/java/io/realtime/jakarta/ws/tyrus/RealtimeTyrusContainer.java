package io.realtime.jakarta.ws.tyrus;

import io.realtime.jakarta.ws.RealtimeServerApplicationConfig;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Objects;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * Tyrus's server container for the endpoints of a {@link RealtimeWebSocket}, for a host that runs
 * Tyrus in a Grizzly {@code HttpServer} of its own (with Tyrus's {@code WebSocketAddOn}), which is
 * what the {@link TyrusFrameGuard} needs. Tyrus's engine gets an incoming buffer sized to the
 * endpoints' {@link io.realtime.jakarta.ws.MessageLimits} ({@link
 * TyrusFrameGuard#incomingBufferSize}) instead of its 4 MiB default.
 *
 * <pre>{@code
 * RealtimeTyrusContainer container = new RealtimeTyrusContainer(websocket);
 * HttpServer server = new HttpServer();
 * NetworkListener listener = new NetworkListener("realtime", "0.0.0.0", port);
 * listener.registerAddOn(new WebSocketAddOn(container, "/"));
 * server.addListener(listener);
 * TyrusFrameGuard.install(server, websocket.messageLimits()); // after the listeners, before start
 * server.start();
 * container.start("/", listener.getPort());
 * container.doneDeployment();
 * }</pre>
 */
public final class RealtimeTyrusContainer extends TyrusServerContainer {

  private static final String ROOT = "/";

  private final Map<String, Object> properties;
  private final WebSocketEngine engine;

  /**
   * Creates the container; {@link #start(String, int)} deploys the endpoints at the root.
   *
   * @param websocket the endpoints, built
   */
  public RealtimeTyrusContainer(RealtimeWebSocket websocket) {
    super(applicationConfig(websocket));
    this.properties = TyrusFrameGuard.serverProperties(websocket.messageLimits());
    this.engine =
        TyrusWebSocketEngine.builder(this)
            .incomingBufferSize(TyrusFrameGuard.incomingBufferSize(websocket.messageLimits()))
            .build();
  }

  private static RealtimeServerApplicationConfig applicationConfig(RealtimeWebSocket websocket) {
    Objects.requireNonNull(websocket, "websocket");
    return new RealtimeServerApplicationConfig() {
      @Override
      protected RealtimeWebSocket realtime() {
        return websocket;
      }
    };
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

  @Override
  public Map<String, Object> getProperties() {
    return properties;
  }
}
