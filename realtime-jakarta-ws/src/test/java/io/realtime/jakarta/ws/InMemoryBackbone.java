package io.realtime.jakarta.ws;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.transport.InMemoryTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the container suites run their endpoints on: an in-memory transport, a registry, and the
 * servers, broadcasters and clients a test starts, closed in reverse order after it.
 */
final class InMemoryBackbone implements AutoCloseable {

  final InMemoryTransport transport = InMemoryTransport.create();
  final ConnectionRegistry registry = ConnectionRegistry.builder().build();
  final List<AutoCloseable> closeables = new ArrayList<>();

  @Override
  public void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    registry.shutdown(Duration.ofMillis(200)).join();
    transport.close();
  }
}
