package io.realtime.jakarta.ws;

import static org.awaitility.Awaitility.await;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.glassfish.tyrus.client.ClientManager;

/** A real WebSocket client (Tyrus standalone) that records what it receives and how it closes. */
final class TestClient extends Endpoint implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  final List<String> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
  volatile Session session;

  static TestClient connect(String uri, List<String> subprotocols) throws Exception {
    return connect(uri, subprotocols, Map.of());
  }

  static TestClient connect(String uri, List<String> subprotocols, Map<String, String> headers)
      throws Exception {
    TestClient client = new TestClient();
    ClientEndpointConfig config =
        ClientEndpointConfig.Builder.create()
            .preferredSubprotocols(subprotocols)
            .configurator(
                new ClientEndpointConfig.Configurator() {
                  @Override
                  public void beforeRequest(Map<String, List<String>> request) {
                    headers.forEach((name, value) -> request.put(name, List.of(value)));
                  }
                })
            .build();
    client.session = ClientManager.createClient().connectToServer(client, config, URI.create(uri));
    return client;
  }

  static TestClient connect(String uri) throws Exception {
    return connect(uri, List.of());
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    this.session = session;
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
  }

  @Override
  public void onClose(Session session, CloseReason closeReason) {
    closed.complete(closeReason);
  }

  void send(String text) throws Exception {
    session.getBasicRemote().sendText(text);
  }

  void sendBinary() throws Exception {
    session.getBasicRemote().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
  }

  String awaitMessage(Predicate<String> match) {
    await().atMost(WAIT).until(() -> received.stream().anyMatch(match));
    return received.stream().filter(match).findFirst().orElseThrow();
  }

  CloseReason awaitClose() throws Exception {
    return closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    if (session != null && session.isOpen()) {
      session.close();
    }
  }
}
