package io.realtime.examples.springboot;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain jakarta.websocket client (Tomcat's, found through {@link ContainerProvider}) that keeps
 * every text message and the close reason.
 */
final class RecordingClient extends Endpoint {

  final List<String> messages = new CopyOnWriteArrayList<>();
  volatile CloseReason closeReason;

  static RecordingClient connect(URI uri) throws Exception {
    RecordingClient client = new RecordingClient();
    WebSocketContainer container = ContainerProvider.getWebSocketContainer();
    container.connectToServer(client, ClientEndpointConfig.Builder.create().build(), uri);
    return client;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) messages::add);
  }

  @Override
  public void onClose(Session session, CloseReason reason) {
    closeReason = reason;
  }

  /** The index of the first message containing a text, or -1. */
  int indexOf(String text) {
    List<String> seen = List.copyOf(messages);
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
