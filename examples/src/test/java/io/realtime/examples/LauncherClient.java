package io.realtime.examples;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.glassfish.tyrus.client.ClientManager;

/** A WebSocket client that records what the launcher sends. */
final class LauncherClient extends Endpoint implements AutoCloseable {

  final List<String> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
  private Session session;

  static LauncherClient connect(String uri) {
    LauncherClient client = new LauncherClient();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              client.session =
                  ClientManager.createClient()
                      .connectToServer(
                          client, ClientEndpointConfig.Builder.create().build(), URI.create(uri));
              return true;
            });
    return client;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
  }

  @Override
  public void onClose(Session session, CloseReason reason) {
    closed.complete(reason);
  }

  String await(Predicate<String> match, Duration within) {
    Awaitility.await().atMost(within).until(() -> received.stream().anyMatch(match));
    return received.stream().filter(match).findFirst().orElseThrow();
  }

  @Override
  public void close() throws Exception {
    if (session != null && session.isOpen()) {
      session.close();
    }
  }
}
