package io.realtime.jakarta.ws;

import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.server.Server;

/** Tyrus on Grizzly, the endpoints deployed through {@link RealtimeServerApplicationConfig}. */
final class TyrusServer implements WebSocketServerUnderTest {

  /** Tyrus instantiates the application config itself, so it reads the endpoints from here. */
  static volatile RealtimeWebSocket deploying;

  private Server server;

  /** The application config Tyrus instantiates. */
  public static final class Application extends RealtimeServerApplicationConfig {
    @Override
    protected RealtimeWebSocket realtime() {
      return deploying;
    }
  }

  @Override
  public int start(RealtimeWebSocket websocket) throws Exception {
    deploying = websocket;
    server = new Server("127.0.0.1", -1, "/", Map.of(), Set.of(Application.class));
    server.start();
    return server.getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }
}
