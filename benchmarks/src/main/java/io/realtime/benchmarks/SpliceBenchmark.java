package io.realtime.benchmarks;

import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Making the client frame of a stream message from the text its publisher encoded (issue 17, point
 * 3): splicing {@code seq}/{@code epoch} into the text against decoding it, positioning it and
 * encoding it again, for a typical security event of about 300 bytes (a typed payload, whose data
 * the splice checks in its one parser pass) and for an untyped payload of the same size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpliceBenchmark {

  private static final long SEQ = 123_456;
  private static final String EPOCH = "1733160000000-0f3c9a1e";

  private final MessageCodec codec = MessageCodec.json();
  private final String event;
  private final String untyped;

  /** Which message: {@code event} (typed) or {@code untyped}. */
  @Param({"event", "untyped"})
  public String payload;

  private String text;

  /** Encodes the two messages as their publishers do. */
  public SpliceBenchmark() {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("reasoning", "Person lingered at the door for 40 s after dark");
    extra.put("notify", true);
    event =
        codec.encode(
            Envelope.event(
                    new SecurityEvent(
                        81234,
                        81234,
                        "abc123def456",
                        "front_door",
                        75,
                        RiskLevel.HIGH,
                        "Person detected near entrance",
                        "2024-01-15T10:30:00.000000",
                        extra))
                .withTimestamp(Instant.parse("2024-01-15T10:30:01.250Z")));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", 81234);
    data.put("camera_id", "front_door");
    data.put("risk_score", 75);
    data.put("summary", "Person detected near entrance");
    data.put("boxes", java.util.List.of(0.12, 0.34, 0.56, 0.78));
    data.put("labels", Map.of("person", 0.97, "dog", 0.02));
    data.put("reasoning", "Person lingered at the door for 40 s after dark");
    untyped =
        codec.encode(
            Envelope.of("alert.created", data)
                .withTimestamp(Instant.parse("2024-01-15T10:30:01.250Z")));
  }

  /** Picks the text of {@link #payload}. */
  @Setup
  public void pick() {
    text = "event".equals(payload) ? event : untyped;
  }

  /**
   * Before: decode, position, encode.
   *
   * @return the frame
   */
  @Benchmark
  public String decodeEncode() {
    return codec.encode(((Envelope) codec.decode(text)).withPosition(SEQ, EPOCH));
  }

  /**
   * After: splice.
   *
   * @return the frame
   */
  @Benchmark
  public String splice() {
    return codec.splice(text, SEQ, EPOCH, false).text();
  }
}
