package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.transport.InMemoryTransport;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RealtimeServerApplicationConfigTest {

  private final RealtimeWebSocket websocket =
      RealtimeWebSocket.builder(ConnectionRegistry.builder().build())
          .jobLogs(InMemoryTransport.create())
          .build();

  private final RealtimeServerApplicationConfig config =
      new RealtimeServerApplicationConfig() {
        @Override
        protected RealtimeWebSocket realtime() {
          return websocket;
        }
      };

  @Test
  void noScanMeansNoAnnotatedEndpointsNotNull() {
    assertThat(config.getAnnotatedEndpointClasses(null)).isEmpty();
    assertThat(config.getEndpointConfigs(null)).hasSize(1);
    websocket.close();
  }

  @Test
  void scannedAnnotatedEndpointsAreKept() {
    Set<Class<?>> scanned = Set.of(String.class);

    assertThat(config.getAnnotatedEndpointClasses(scanned)).isEqualTo(scanned);
    websocket.close();
  }
}
