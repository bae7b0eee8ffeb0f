package io.realtime.jakarta.ws;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.RegisteredConnection;
import io.realtime.connection.SubscriptionLimits;
import io.realtime.connection.Subscriptions;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.List;

/**
 * The real events endpoint on Tyrus over an in-memory transport, with the server's subscription
 * limits given: what the Java client's ITs connect to.
 *
 * @param registry the server's registry
 * @param events the event broadcaster
 * @param port the port Tyrus listens on
 */
record InMemoryEventEndpoints(ConnectionRegistry registry, EventBroadcaster events, int port) {

  /**
   * Starts the endpoints; what it starts is added to {@code resources}, to be closed in reverse
   * order after the test.
   */
  static InMemoryEventEndpoints start(SubscriptionLimits limits, List<AutoCloseable> resources)
      throws Exception {
    InMemoryTransport transport = InMemoryTransport.create();
    ConnectionRegistry registry = ConnectionRegistry.builder().subscriptionLimits(limits).build();
    EventBroadcaster events = EventBroadcaster.builder(transport, registry).build();
    events.start();
    RealtimeWebSocket websocket = RealtimeWebSocket.builder(registry).events(events).build();
    TyrusServer server = new TyrusServer();
    int port = server.start(websocket);
    resources.addAll(
        List.of(
            transport,
            () -> registry.shutdown(Duration.ofMillis(200)).join(),
            events,
            websocket,
            server));
    return new InMemoryEventEndpoints(registry, events, port);
  }

  /** The patterns the server holds for the one connection on {@code events}; none without one. */
  static List<String> serverPatterns(ConnectionRegistry registry) {
    return registry.connections("events").stream()
        .findFirst()
        .map(RegisteredConnection::subscriptions)
        .map(Subscriptions::patterns)
        .orElse(List.of());
  }
}
