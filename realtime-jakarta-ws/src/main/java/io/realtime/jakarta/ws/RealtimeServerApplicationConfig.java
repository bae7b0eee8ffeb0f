package io.realtime.jakarta.ws;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerApplicationConfig;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * For containers that deploy endpoints through {@link ServerApplicationConfig} discovery: subclass
 * it with a no-argument constructor that supplies the endpoints. Annotated endpoints of the
 * application are kept as they are.
 */
public abstract class RealtimeServerApplicationConfig implements ServerApplicationConfig {

  /** Creates the configuration; subclasses supply the endpoints. */
  protected RealtimeServerApplicationConfig() {}

  /**
   * Returns the endpoints to deploy.
   *
   * @return the assembled endpoints
   */
  protected abstract RealtimeWebSocket realtime();

  @Override
  public Set<ServerEndpointConfig> getEndpointConfigs(Set<Class<? extends Endpoint>> scanned) {
    return new HashSet<>(realtime().endpointConfigs());
  }

  /**
   * Keeps the application's annotated endpoints. A container that deploys this configuration
   * without scanning passes {@code null} (Tyrus's {@code TyrusServerContainer} does, and iterates
   * over the answer): that is no endpoints, not a {@code null} answer.
   */
  @Override
  public Set<Class<?>> getAnnotatedEndpointClasses(Set<Class<?>> scanned) {
    return scanned == null ? Set.of() : scanned;
  }
}
