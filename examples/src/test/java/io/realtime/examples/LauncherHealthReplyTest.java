package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.health.ObservedParts;
import io.realtime.health.RealtimeHealthProbe;
import io.realtime.transport.InMemoryTransport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@code GET /health} answers: 200 while the registry serves, 503 once it shuts down. */
class LauncherHealthReplyTest {

  @Test
  void upIs200AndAShutDownRegistryIs503() {
    try (InMemoryTransport transport = InMemoryTransport.create();
        ConnectionRegistry registry = ConnectionRegistry.builder().build();
        EventBroadcaster events = EventBroadcaster.builder(transport, registry).build()) {
      events.start();
      RealtimeHealthProbe probe =
          RealtimeHealthProbe.builder(registry)
              .parts(ObservedParts.builder().eventBroadcaster(events).build())
              .build();

      DashboardHandler.Reply up = StandaloneLauncher.health(probe);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.contentType()).isEqualTo("application/json; charset=utf-8");
      assertThat(new String(up.body(), StandardCharsets.UTF_8))
          .startsWith("{\"status\":\"UP\",\"ready\":true,");

      registry.shutdown(Duration.ofMillis(200)).join();
      DashboardHandler.Reply down = StandaloneLauncher.health(probe);
      assertThat(down.status()).isEqualTo(503);
      assertThat(new String(down.body(), StandardCharsets.UTF_8))
          .startsWith("{\"status\":\"DOWN\",\"ready\":false,");
    }
  }
}
