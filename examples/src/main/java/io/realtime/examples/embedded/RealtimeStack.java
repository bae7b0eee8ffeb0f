package io.realtime.examples.embedded;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.metrics.JvmHostMetrics;
import io.realtime.metrics.MetricSources;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import java.time.Duration;

/**
 * What a host application assembles once, whatever its container: the in-memory transport, the
 * connection registry, the event and system broadcasters and the WebSocket endpoints. The host
 * publishes through {@link #events()} and mounts {@link #websocket()}'s endpoint configs.
 */
public final class RealtimeStack implements AutoCloseable {

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(4);

  private final Transport transport = InMemoryTransport.create();
  private final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  private final EventBroadcaster events = EventBroadcaster.builder(transport, registry).build();
  private final SystemBroadcaster system;
  private final RealtimeWebSocket websocket;

  /**
   * Assembles and starts the stack.
   *
   * @param statusInterval how often {@code system_status} is sent
   */
  public RealtimeStack(Duration statusInterval) {
    system =
        SystemBroadcaster.builder(
                transport, registry, MetricSources.builder().host(new JvmHostMetrics("/")).build())
            .interval(statusInterval)
            .build();
    websocket =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .system(system)
            .jobLogs(transport)
            .build();
    events.start();
    system.start();
  }

  /**
   * Returns the event broadcaster the application publishes security events through.
   *
   * @return the broadcaster
   */
  public EventBroadcaster events() {
    return events;
  }

  /**
   * Returns the endpoints to mount.
   *
   * @return the endpoints
   */
  public RealtimeWebSocket websocket() {
    return websocket;
  }

  /**
   * Returns the registry, for the application's own status pages.
   *
   * @return the registry
   */
  public ConnectionRegistry registry() {
    return registry;
  }

  /** Tells clients the server is going away, closes them with 1001 and stops every part. */
  @Override
  public void close() {
    system.close();
    events.close();
    registry.shutdown(SHUTDOWN_TIMEOUT).join();
    websocket.close();
    transport.close();
  }
}
