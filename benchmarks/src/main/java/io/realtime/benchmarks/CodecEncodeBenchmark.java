package io.realtime.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding one security event: the library's codec (typed payload, validated, snake_case, with
 * {@code seq}/{@code epoch}) against the baseline a hand-rolled server would use, a plain Jackson
 * {@code ObjectMapper} writing the same fields from a map.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecEncodeBenchmark {

  private final MessageCodec codec = MessageCodec.json();
  private final Envelope event =
      Envelope.event(
              SecurityEvent.of(
                  123,
                  123,
                  "abc123def456",
                  "front_door",
                  75,
                  RiskLevel.HIGH,
                  "Person detected near entrance",
                  "2024-01-15T10:30:00.000000"))
          .withPosition(42, "7f3c9a1e");
  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, Object> map = new LinkedHashMap<>();

  /** Builds the baseline's map: the same JSON as the library writes. */
  public CodecEncodeBenchmark() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", 123);
    data.put("event_id", 123);
    data.put("batch_id", "abc123def456");
    data.put("camera_id", "front_door");
    data.put("risk_score", 75);
    data.put("risk_level", "high");
    data.put("summary", "Person detected near entrance");
    data.put("started_at", "2024-01-15T10:30:00.000000");
    map.put("type", "event");
    map.put("data", data);
    map.put("seq", 42);
    map.put("epoch", "7f3c9a1e");
  }

  /**
   * The library's codec.
   *
   * @return the JSON
   */
  @Benchmark
  public String libraryCodec() {
    return codec.encode(event);
  }

  /**
   * The baseline: a plain ObjectMapper on a map.
   *
   * @return the JSON
   * @throws JsonProcessingException never
   */
  @Benchmark
  public String plainJacksonBaseline() throws JsonProcessingException {
    return mapper.writeValueAsString(map);
  }
}
