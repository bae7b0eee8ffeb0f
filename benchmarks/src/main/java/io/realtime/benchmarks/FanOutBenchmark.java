package io.realtime.benchmarks;

import io.realtime.connection.CloseReason;
import io.realtime.connection.Connection;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Fanning one event out to N in-memory connections whose sends complete at once: the registry
 * (encode once, subscription filter, per-connection bounded queue and single writer on the delivery
 * executor) against the bare limit, a loop that encodes once and calls every connection's send
 * directly. Each operation ends when all N sends were made, so the score is complete fan-outs per
 * millisecond; multiply by N for deliveries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FanOutBenchmark {

  /** Connections per broadcast. */
  @Param({"100", "1000"})
  public int connections;

  private final MessageCodec codec = MessageCodec.json();
  private final Envelope event =
      Envelope.event(
          SecurityEvent.of(1, 1, "b1", "front_door", 75, RiskLevel.HIGH, "Person detected", null));
  private final AtomicLong sent = new AtomicLong();
  private ConnectionRegistry registry;
  private final List<Connection> direct = new ArrayList<>();

  /** Registers the connections. */
  @Setup(Level.Trial)
  public void setUp() {
    registry = ConnectionRegistry.builder().build();
    for (int i = 0; i < connections; i++) {
      registry.register("events", new CountingSink("ws-events-" + i, sent));
      direct.add(new CountingSink("direct-" + i, sent));
    }
  }

  /** Closes the registry. */
  @TearDown(Level.Trial)
  public void tearDown() {
    registry.shutdown(Duration.ofSeconds(1)).join();
  }

  /**
   * The library's fan-out.
   *
   * @return the recipients
   */
  @Benchmark
  public int registryBroadcast() {
    long target = sent.get() + connections;
    int recipients = registry.broadcast("events", event);
    if (recipients != connections) {
      throw new IllegalStateException("only " + recipients + " of " + connections + " recipients");
    }
    while (sent.get() < target) {
      Thread.onSpinWait();
    }
    return recipients;
  }

  /**
   * The registry's own cost per delivery, without the thread hand-off: the same fan-out with a
   * delivery executor that runs each writer on the broadcasting thread, so the score is the
   * registry's CPU work (queue, lock, writer, observer) and no wake-up of another thread.
   *
   * @param inline the registry with a calling-thread delivery executor
   * @return the recipients
   */
  @Benchmark
  public int registryBroadcastInline(InlineRegistry inline) {
    long target = inline.sent.get() + connections;
    int recipients = inline.registry.broadcast("events", event);
    if (recipients != connections || inline.sent.get() != target) {
      throw new IllegalStateException("only " + recipients + " of " + connections + " recipients");
    }
    return recipients;
  }

  /** A registry whose writers run on the thread that broadcasts. */
  @State(Scope.Benchmark)
  public static class InlineRegistry {
    private final AtomicLong sent = new AtomicLong();
    private ConnectionRegistry registry;

    /**
     * Registers as many connections as the benchmark's parameter says.
     *
     * @param benchmark the benchmark, for its parameter
     */
    @Setup(Level.Trial)
    public void setUp(FanOutBenchmark benchmark) {
      registry = ConnectionRegistry.builder().deliveryExecutor(Runnable::run).build();
      for (int i = 0; i < benchmark.connections; i++) {
        registry.register("events", new CountingSink("ws-inline-" + i, sent));
      }
    }

    /** Closes the registry. */
    @TearDown(Level.Trial)
    public void tearDown() {
      registry.shutdown(Duration.ofSeconds(1)).join();
    }
  }

  /** A connection whose writes complete immediately, counted in a given counter. */
  private static final class CountingSink implements Connection {
    private final String id;
    private final AtomicLong sent;

    CountingSink(String id, AtomicLong sent) {
      this.id = id;
      this.sent = sent;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Map<String, Object> attributes() {
      return Map.of();
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
      sent.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close(CloseReason reason) {}
  }

  /**
   * The bare limit: encode once, send to each.
   *
   * @return the recipients
   */
  @Benchmark
  public int bareLoopBaseline() {
    String text = codec.encode(event);
    for (Connection connection : direct) {
      connection.sendText(text);
    }
    return direct.size();
  }
}
