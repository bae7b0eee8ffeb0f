package io.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.CloseReason;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.connection.OutboundLimits;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.test.RecordingConnection;
import io.realtime.transport.InMemoryTransport;
import io.realtime.transport.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the README's assembly snippet compiling and true. Keep both in step. */
class ReadmeExampleTest {

  @Test
  void readmeShowsExactlyTheSnippetBelow() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    String test = Files.readString(Path.of("src/test/java/io/realtime/ReadmeExampleTest.java"));
    String fromReadme = between(readme, "```java\n", "```");
    String fromTest =
        between(test, "// --- README snippet " + "starts\n", "    // --- README snippet " + "ends");

    assertThat(normalize(fromReadme)).isEqualTo(normalize(fromTest));
  }

  private static String between(String text, String start, String end) {
    int from = text.indexOf(start);
    assertThat(from).as("marker %s", start).isNotNegative();
    from += start.length();
    return text.substring(from, text.indexOf(end, from));
  }

  private static String normalize(String code) {
    return code.strip().replaceAll("\\s+", " ");
  }

  @Test
  void readmeAssemblyRuns() {
    RecordingConnection connection = new RecordingConnection("ws-events-1a2b3c4d");

    // --- README snippet starts
    ConnectionRegistry registry =
        ConnectionRegistry.builder()
            .outboundLimits(new OutboundLimits(1_000, 1 << 20)) // then 1013 "slow consumer"
            .build();
    Transport transport = InMemoryTransport.create(); // one instance; Redis for several
    EventBroadcaster events = EventBroadcaster.builder(transport, registry).build();
    events.start();

    // The WebSocket adapter registers each connection when it opens.
    RegisteredConnection client = registry.register("events", connection);
    client.subscriptions().subscribe(List.of("event", "alert.*"));

    // events.publish(map) validates a producer's JSON as the original does.
    events.publish(
        Envelope.event(
            SecurityEvent.of(
                1, 1, "b1", "front_door", 75, RiskLevel.HIGH, "Person detected", null)));
    // --- README snippet ends

    await().atMost(Duration.ofSeconds(10)).until(() -> connection.texts().size() == 1);
    events.close();
    registry.shutdown(Duration.ofSeconds(5)).join();
    transport.close();

    assertThat(connection.texts()).hasSize(2);
    assertThat(connection.texts().get(0)).contains("\"risk_level\":\"high\"").contains("\"seq\":1");
    assertThat(connection.texts().get(1)).contains("system.shutdown");
    assertThat(connection.awaitClose(Duration.ofSeconds(5))).isEqualTo(CloseReason.SERVER_SHUTDOWN);
  }
}
