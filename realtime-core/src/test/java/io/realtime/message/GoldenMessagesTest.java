package io.realtime.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.message.payload.CircuitBreakerUpdate;
import io.realtime.message.payload.CircuitBreakerUpdate.BreakerState;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.message.payload.PerformanceUpdate.AlertSeverity;
import io.realtime.message.payload.PerformanceUpdate.ContainerHealth;
import io.realtime.message.payload.PerformanceUpdate.DatabaseStats;
import io.realtime.message.payload.PerformanceUpdate.GpuPerformance;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.PerformanceUpdate.InferenceQueues;
import io.realtime.message.payload.PerformanceUpdate.InferenceStats;
import io.realtime.message.payload.PerformanceUpdate.LatencyStats;
import io.realtime.message.payload.PerformanceUpdate.PerformanceAlert;
import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.message.payload.PerformanceUpdate.Throughput;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.message.payload.ShutdownNotice;
import io.realtime.message.payload.SystemStatus;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.message.payload.SystemStatus.GpuStatus;
import io.realtime.message.payload.SystemStatus.QueueDepths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One golden file per message type (src/test/resources/golden): the typed message encodes to
 * exactly that JSON (names, nesting, field order, values) and the file decodes back to the typed
 * message.
 */
class GoldenMessagesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-01-15T10:30:00Z");

  private final MessageCodec codec = MessageCodec.json();

  static Stream<Arguments> goldenMessages() {
    SecurityEvent seedEvent =
        SecurityEvent.of(
                123,
                123,
                "abc123def456",
                "front_door",
                75,
                RiskLevel.HIGH,
                "Person detected near entrance at unusual hour",
                "2024-01-15T02:30:00.000000")
            .withExtra("ended_at", "2024-01-15T02:31:30.000000");
    SecurityEvent streamEvent =
        SecurityEvent.of(
            123,
            123,
            "abc123def456",
            "front_door",
            75,
            RiskLevel.HIGH,
            "Person detected near entrance",
            null);
    SecurityEvent replayEvent =
        SecurityEvent.of(
            123,
            123,
            "abc123def456",
            "front_door",
            75,
            RiskLevel.HIGH,
            "Person detected near entrance",
            "2024-01-15T10:30:00.000000");
    Map<String, String> services = new LinkedHashMap<>();
    services.put("yolo26", "healthy");
    services.put("nemotron", "healthy");
    services.put("redis", "healthy");
    Map<String, BreakerState> breakers = new LinkedHashMap<>();
    breakers.put(
        "event_broadcaster",
        new BreakerState("open", 5, 0, Instant.parse("2024-01-15T10:29:58.500Z")));
    breakers.put("system_broadcaster", new BreakerState("closed", 0, 12, null));

    return Stream.of(
        Arguments.of("event", Envelope.event(seedEvent)),
        Arguments.of("event-stream", Envelope.event(streamEvent).withPosition(42, "7f3c9a1e")),
        Arguments.of(
            "event-replay", Envelope.event(replayEvent).withPosition(42, "7f3c9a1e").asReplay()),
        Arguments.of(
            "system_status",
            Envelope.systemStatus(
                new SystemStatus(
                    new GpuStatus("NVIDIA RTX A5500", 45.2, 7168L, 24576L, 65.0, 125.5),
                    new QueueDepths(3L, 1L, 0L),
                    new CameraCounts(4, 4, 0),
                    services,
                    null),
                T0)),
        Arguments.of(
            "system_status-instance",
            Envelope.systemStatus(
                new SystemStatus(
                    null,
                    new QueueDepths(0L, 0L, 0L),
                    null,
                    Map.of("redis", "unreachable"),
                    "node-a"),
                Instant.parse("2024-01-15T10:30:05.250Z"))),
        Arguments.of(
            "service_status",
            Envelope.serviceStatus(
                ServiceStatus.of("yolo26", "unhealthy", "Health check failed"), T0)),
        Arguments.of(
            "service_status-degraded",
            Envelope.serviceStatus(
                new ServiceStatus(
                    "system_broadcaster",
                    "degraded",
                    "System status broadcasting is degraded. Updates may be delayed or unavailable.",
                    "open"),
                null)),
        Arguments.of("performance_update", Envelope.performanceUpdate(seedPerformanceUpdate())),
        Arguments.of(
            "log",
            Envelope.log(
                    new LogEntry(
                        Instant.parse("2026-01-17T10:32:05Z"),
                        "info",
                        "Processing batch 2/3",
                        Map.of("batch_id", "abc123")))
                .withPosition(7, "job-epoch-1")),
        Arguments.of("ping", new Ping(42)),
        Arguments.of("pong", Pong.INSTANCE),
        Arguments.of(
            "error",
            new ErrorReply(
                ErrorCode.VALIDATION_ERROR,
                "Subscribe message must include 'events' array",
                Map.of("example", subscribeExample()))),
        Arguments.of(
            "error-without-details",
            ErrorReply.of(ErrorCode.UNKNOWN_MESSAGE_TYPE, "Unknown message type: hello")),
        Arguments.of("resync_ack", new ResyncAck("events", 40, 2, null, null, "7f3c9a1e", true)),
        Arguments.of(
            "resync_ack-gap_too_old",
            new ResyncAck("events", 3, 1000, true, 1001L, "7f3c9a1e", false)),
        Arguments.of("subscribed", SubscriptionAck.subscribed(List.of("alert.*", "event"))),
        Arguments.of("unsubscribed", SubscriptionAck.unsubscribed(List.of("alert.*"))),
        Arguments.of("system.shutdown", Envelope.shutdown(ShutdownNotice.SERVER_SHUTTING_DOWN)),
        Arguments.of("job_end", Envelope.jobEnd(new JobEnd("completed"))),
        Arguments.of(
            "circuit_breaker_update",
            Envelope.circuitBreakerUpdate(
                new CircuitBreakerUpdate(
                    T0, new CircuitBreakerUpdate.Summary(2, 1, 0, 1), breakers))));
  }

  private static Map<String, Object> subscribeExample() {
    Map<String, Object> example = new LinkedHashMap<>();
    example.put("type", "subscribe");
    example.put("data", Map.of("events", List.of("alert.*")));
    return example;
  }

  static PerformanceUpdate seedPerformanceUpdate() {
    AiModelStatus nemotron = AiModelStatus.llm("healthy", 1, 2, 4096);
    Map<String, AiModelStatus> models = new LinkedHashMap<>();
    models.put(
        "yolo26", AiModelStatus.detector("healthy", 0.17, "yolo26_r50vd_coco_o365", "cuda:0"));
    models.put("nemotron", nemotron);
    List<ContainerHealth> containers = new ArrayList<>();
    for (String name : List.of("backend", "frontend", "postgres", "redis", "ai-yolo26", "ai-llm")) {
      containers.add(new ContainerHealth(name, "running", "healthy"));
    }
    return new PerformanceUpdate(
        T0,
        new GpuPerformance("NVIDIA RTX A5500", 38.0, 22.7, 24.0, 38, 31),
        models,
        nemotron,
        new InferenceStats(
            new LatencyStats(45.0, 82.0, 120.0),
            new LatencyStats(2100.0, 4800.0, 8200.0),
            new LatencyStats(3200.0, 6100.0, null),
            new Throughput(12.4, 2.1),
            new InferenceQueues(0L, 0L)),
        new DatabaseStats(
            new PostgresStats("healthy", 5, 30, 98.2, 1200.0),
            new RedisStats("healthy", 8, 1.5, 99.5, 0)),
        new HostStats(12.0, 8.2, 32.0, 156.0, 500.0),
        containers,
        List.of(
            new PerformanceAlert(
                AlertSeverity.WARNING, "gpu_temperature", 82, 80, "GPU temperature high: 82C")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenMessages")
  void encodesExactlyToTheGoldenFile(String name, Message message) throws IOException {
    JsonNode golden = golden(name);
    JsonNode encoded = JSON.readTree(codec.encode(message));

    assertThat(encoded.equals(GoldenMessagesTest::compareLeaves, golden))
        .as("encoded %s%n  got:      %s%n  expected: %s", name, encoded, golden)
        .isTrue();
    assertThat(fieldOrder(encoded)).as("field order of %s", name).isEqualTo(fieldOrder(golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenMessages")
  void decodesTheGoldenFileToTheTypedMessage(String name, Message message) throws IOException {
    assertThat(codec.decode(JSON.writeValueAsString(golden(name)))).isEqualTo(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenMessages")
  void wireTypeMatchesTheMessage(String name, Message message) throws IOException {
    JsonNode golden = golden(name);
    String wireType =
        golden.has("type") ? golden.get("type").asText() : golden.get("action").asText();
    assertThat(message.type()).isEqualTo(wireType);
  }

  private static JsonNode golden(String name) throws IOException {
    try (InputStream in =
        GoldenMessagesTest.class.getResourceAsStream("/golden/" + name + ".json")) {
      assertThat(in).as("golden file %s.json", name).isNotNull();
      return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Numbers compare by value (45 and 45.0 are the same JSON number); everything else exactly. */
  private static int compareLeaves(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  }

  private static List<String> fieldOrder(JsonNode node) {
    List<String> paths = new ArrayList<>();
    collect(node, "$", paths);
    return paths;
  }

  private static void collect(JsonNode node, String path, List<String> paths) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String child = path + "." + field.getKey();
        paths.add(child);
        collect(field.getValue(), child, paths);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), path + "[" + i + "]", paths);
      }
    }
  }
}
