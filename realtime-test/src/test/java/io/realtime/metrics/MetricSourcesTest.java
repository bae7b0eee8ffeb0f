package io.realtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.realtime.message.Envelope;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.test.ManualTime;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Isolation of sources: a throwing, hung or absent source affects its own section only. */
class MetricSourcesTest {

  private static final HostStats HOST = new HostStats(12.0, 8.2, 32.0, 156.0, 500.0);

  private final ManualTime time = new ManualTime();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    executor.shutdownNow();
  }

  /** Collects sources that all answer at once (each on an executor thread). */
  private MetricSnapshot collect(MetricSources sources) {
    CompletableFuture<MetricSnapshot> snapshot =
        sources.collect(executor, time, time).toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(snapshot::isDone);
    return snapshot.join();
  }

  private MetricSource<CameraCounts> hung(AtomicInteger calls) {
    return () -> {
      calls.incrementAndGet();
      release.await();
      return new CameraCounts(1, 1, 0);
    };
  }

  @Test
  void everySectionIsCollected() {
    MetricSources sources =
        MetricSources.builder()
            .host(() -> HOST)
            .cameras(() -> new CameraCounts(4, 4, 0))
            .aiModel("yolo26", () -> AiModelStatus.detector("healthy", 0.17, "yolo26", "cuda:0"))
            .llm("nemotron", () -> AiModelStatus.llm("healthy", 1, 2, 4096))
            .build();

    MetricSnapshot snapshot = collect(sources);

    assertThat(snapshot.get(MetricSection.HOST)).isEqualTo(HOST);
    assertThat(snapshot.get(MetricSection.CAMERAS)).isEqualTo(new CameraCounts(4, 4, 0));
    assertThat(snapshot.aiModels()).containsOnlyKeys("yolo26", "nemotron");
    assertThat(snapshot.llm().contextSize()).isEqualTo(4096);
    assertThat(snapshot.timestamp()).isEqualTo(time.now());
    assertThat(snapshot.get(MetricSection.GPUS)).isNull();
    assertThat(snapshot.has(MetricSection.GPUS)).isFalse();
  }

  @Test
  void aThrowingSourceLosesOnlyItsSection() {
    MetricSources sources =
        MetricSources.builder()
            .host(() -> HOST)
            .cameras(
                () -> {
                  throw new IllegalStateException("database down");
                })
            .postgres(
                () -> {
                  throw new SQLException("connection refused");
                })
            .redis(
                () -> {
                  throw new IllegalStateException("boom");
                })
            .aiModel(
                "yolo26",
                () -> {
                  throw new IOException("unreachable");
                })
            .build();

    MetricSnapshot snapshot = collect(sources);

    assertThat(snapshot.get(MetricSection.HOST)).isEqualTo(HOST);
    assertThat(snapshot.get(MetricSection.CAMERAS)).isNull();
    assertThat(snapshot.get(MetricSection.POSTGRES))
        .isEqualTo(new PostgresStats("unreachable", null, null, null, null));
    assertThat(snapshot.get(MetricSection.REDIS))
        .isEqualTo(new RedisStats("unreachable", null, null, null, null));
    assertThat(snapshot.aiModels().get("yolo26").status()).isEqualTo("unreachable");
    PerformanceUpdate update = PerformanceCollector.withDefaults().performanceUpdate(snapshot);
    assertThat(MessageCodec.json().encode(Envelope.performanceUpdate(update)))
        .contains("\"postgresql\":{\"status\":\"unreachable\"}")
        .contains("\"redis\":{\"status\":\"unreachable\"}")
        .contains("\"yolo26\":{\"status\":\"unreachable\",\"model\":\"yolo26\"}");
  }

  @Test
  void anAbsentSensorIsAnAbsentSection() {
    MetricSources sources =
        MetricSources.builder().host(() -> null).cameras(() -> new CameraCounts(0, 0, 0)).build();

    MetricSnapshot snapshot = collect(sources);

    assertThat(snapshot.get(MetricSection.HOST)).isNull();
    assertThat(snapshot.has(MetricSection.HOST)).isTrue();
    assertThat(snapshot.get(MetricSection.CAMERAS)).isEqualTo(new CameraCounts(0, 0, 0));
  }

  @Test
  void aHungSourceTimesOutAndIsNotCalledAgainWhileItHangs() {
    AtomicInteger calls = new AtomicInteger();
    MetricSources sources = MetricSources.builder().host(() -> HOST).cameras(hung(calls)).build();

    CompletableFuture<MetricSnapshot> first =
        sources.collect(executor, time, time).toCompletableFuture();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    assertThat(first).isNotDone();
    time.advance(Duration.ofMillis(999));
    assertThat(first).isNotDone();
    time.advance(Duration.ofMillis(1));
    MetricSnapshot snapshot = first.join();
    MetricSnapshot second = sources.collect(executor, time, time).toCompletableFuture().join();

    assertThat(snapshot.get(MetricSection.CAMERAS)).isNull();
    assertThat(snapshot.get(MetricSection.HOST)).isEqualTo(HOST);
    assertThat(second.get(MetricSection.CAMERAS)).isNull();
    assertThat(second.get(MetricSection.HOST)).isEqualTo(HOST);
    assertThat(calls.get()).as("no second thread on a hung source").isEqualTo(1);
  }

  @Test
  void registrationErrorsAreClear() {
    assertThatThrownBy(() -> MetricSources.builder().host(() -> HOST).host(() -> HOST))
        .hasMessageContaining("section host already has a source");
    assertThatThrownBy(() -> MetricSources.builder().llm("a", () -> null).llm("b", () -> null))
        .hasMessageContaining("the LLM is already a");
    assertThatThrownBy(() -> MetricSources.builder().timeout(Duration.ZERO))
        .hasMessageContaining("got PT0S");
    assertThatThrownBy(() -> MetricSources.builder().aiModel(" ", () -> null))
        .hasMessageContaining("model name must not be blank");
  }

  @Test
  void gpuReadingsMapToBothShapes() {
    GpuReading reading =
        new GpuReading(0, "NVIDIA RTX A5500", 45.2, 7516192768L, 25769803776L, 65.4, 125.5);

    assertThat(reading.toStatus().memoryUsed()).isEqualTo(7168);
    assertThat(reading.toStatus().memoryTotal()).isEqualTo(24576);
    assertThat(reading.toPerformance().vramUsedGb()).isEqualTo(7.0);
    assertThat(reading.toPerformance().vramTotalGb()).isEqualTo(24.0);
    assertThat(reading.toPerformance().temperature()).isEqualTo(65);
    assertThat(reading.toPerformance().powerWatts()).isEqualTo(126);
    GpuReading bare = new GpuReading(1, null, null, null, null, null, null);
    assertThat(bare.toPerformance().vramUsedGb()).isNull();
    assertThat(List.of(bare.toStatus().memoryTotal() == null)).containsOnly(true);
  }
}
