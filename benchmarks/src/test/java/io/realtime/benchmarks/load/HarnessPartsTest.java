package io.realtime.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.realtime.message.MessageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's measuring parts: if these lie, every number in the report does. */
class HarnessPartsTest {

  @Test
  void quantilesAreWithinTheHistogramsPrecisionAndInMilliseconds() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (long micros = 1; micros <= 100_000; micros++) {
      recorder.record(micros);
    }
    LatencyRecorder.Summary summary = recorder.summary();

    assertThat(summary.samples()).isEqualTo(100_000);
    assertThat(summary.p50Ms()).isCloseTo(50.0, within(50.0 * 0.001));
    assertThat(summary.p99Ms()).isCloseTo(99.0, within(99.0 * 0.001));
    assertThat(summary.p999Ms()).isCloseTo(99.9, within(99.9 * 0.001));
  }

  @Test
  void smallLatenciesAreExactAndNegativeOnesCountAsZero() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.record(-3);
    for (int i = 0; i < 98; i++) {
      recorder.record(7);
    }
    recorder.record(1_023);
    LatencyRecorder.Summary summary = recorder.summary();

    assertThat(summary.samples()).isEqualTo(100);
    assertThat(summary.p50Ms()).isEqualTo(0.007);
    assertThat(summary.p99Ms()).isEqualTo(0.007);
    assertThat(summary.p999Ms()).isEqualTo(1.023);
  }

  @Test
  void resetForgetsTheWarmUpAndAnEmptyWindowHasNoQuantiles() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.record(5_000_000);
    recorder.reset();
    recorder.record(2_000);

    assertThat(recorder.summary()).isEqualTo(new LatencyRecorder.Summary(1, 2.0, 2.0, 2.0));
    assertThat(recorder.summary()).isEqualTo(new LatencyRecorder.Summary(0, null, null, null));
  }

  @Test
  void recordsFromManyThreadsAreAllCounted() throws InterruptedException {
    LatencyRecorder recorder = new LatencyRecorder();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 1; i <= 25_000; i++) {
                  recorder.record(i);
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(recorder.summary().samples()).isEqualTo(100_000);
  }

  @Test
  void everyRatioIsAlsoGivenAgainstTheLimit() {
    Map<String, Map<String, Map<String, Object>>> results =
        Map.of(
            "fan-out",
            Map.of(
                "realtime", Map.of("delivered_per_second", 150, "cpu_seconds_per_million", 6.0),
                "socketio", Map.of("delivered_per_second", 50, "cpu_seconds_per_million", 8.0),
                "limit", Map.of("delivered_per_second", 300, "cpu_seconds_per_million", 2.0)));

    Map<String, Object> ratios =
        new ReportTable(results, List.of("realtime", "socketio", "limit")).ratios();

    assertThat(ratios)
        .containsEntry("fan-out realtime / socketio (target >= 3)", 3.0)
        .containsEntry("fan-out realtime / limit (target >= 0.5)", 0.5)
        .containsEntry("fan-out CPU per delivery realtime / socketio (target <= 0.5)", 0.75)
        .containsEntry("fan-out msg/s socketio / limit", 0.167)
        .containsEntry("fan-out CPU per delivery realtime / limit", 3.0)
        .containsEntry("fan-out realtime / bare (target >= 0.7)", null);
  }

  @Test
  void chartsAreDrawnBesideTheJsonWhereThereIsDataForThem(@TempDir Path dir) throws IOException {
    Map<String, Map<String, Map<String, Object>>> results =
        Map.of(
            "fan-out",
            Map.of(
                "realtime", Map.of("delivered_per_second", 150, "cpu_seconds_per_million", 6.0),
                "limit", Map.of("delivered_per_second", 300)));

    List<Path> written =
        new Charts(results, List.of("realtime", "socketio", "limit"))
            .write(dir.resolve("load-results.json"));

    // No latency scenario ran: no p99 chart. CPU is drawn for the one system that has it.
    assertThat(written)
        .containsExactly(
            dir.resolve("load-results-fan-out-throughput.svg"),
            dir.resolve("load-results-fan-out-cpu.svg"));
    for (Path svg : written) {
      assertThat(Files.readString(svg)).contains("<svg").endsWith("</svg>\n");
    }
  }

  @Test
  void theKneeIsDrawnAsP99AgainstRateForEachSystemThatHasACurve(@TempDir Path dir)
      throws IOException {
    Map<String, Map<String, Map<String, Object>>> results =
        Map.of(
            "knee",
            Map.of(
                "realtime",
                Map.of(
                    "curve",
                    List.of(
                        Map.of("events_per_second", 25, "p99_ms", 4.0),
                        Map.of("events_per_second", 35, "p99_ms", 70.0))),
                "socketio",
                Map.of("curve", List.of(Map.of("events_per_second", 25, "p99_ms", 9.0)))));

    List<Path> written =
        new Charts(results, List.of("realtime", "socketio")).write(dir.resolve("r.json"));

    assertThat(written).containsExactly(dir.resolve("r-knee.svg"));
    // XChart draws text as paths: the file is read for being an SVG, not for its labels.
    assertThat(Files.readString(written.get(0))).contains("<svg").endsWith("</svg>\n");
  }

  @Test
  void theSoakSummaryGivesEachInstancesHeapSlopePerHourThreadGrowthAndTheP99Trend() {
    List<Map<String, Object>> minutes =
        List.of(
            Map.of(
                "minute",
                1,
                "heap_mb",
                List.of(100.0, 50.0),
                "threads",
                List.of(40, 30),
                "p99_ms",
                10.0),
            Map.of(
                "minute",
                2,
                "heap_mb",
                List.of(101.0, 50.0),
                "threads",
                List.of(41, 30),
                "p99_ms",
                11.0),
            Map.of(
                "minute",
                3,
                "heap_mb",
                List.of(102.0, 50.0),
                "threads",
                List.of(43, 30),
                "p99_ms",
                12.0));

    Map<String, Object> summary = Soak.summary(minutes);

    assertThat(summary)
        .containsEntry("heap_slope_mb_per_hour", List.of(60.0, 0.0))
        .containsEntry("thread_growth", List.of(3, 0))
        .containsEntry("p99_slope_ms_per_hour", 60.0)
        .containsEntry("p99_first_ms", 10.0)
        .containsEntry("p99_last_ms", 12.0);
  }

  @Test
  void aClientReadsItsResyncPositionFromTheLastEventItReceived() {
    String frame = "{\"type\":\"event\",\"data\":{\"id\":1,\"t\":5},\"seq\":42,\"epoch\":\"7f3c\"}";
    assertThat(BenchEvents.number(frame, "seq")).isEqualTo(42);
    assertThat(BenchEvents.text(frame, "epoch")).isEqualTo("7f3c");
    assertThat(BenchEvents.number(frame, "lastSeq")).isEqualTo(-1);
    assertThat(BenchEvents.text(frame, "missing")).isNull();
  }

  @Test
  void theEventIsAbout300BytesOnRealtimesWireAndCarriesItsPublishTime() {
    Map<String, Object> payload = BenchEvents.payload(1_000_000);
    String frame =
        MessageCodec.json()
            .encode(
                io.realtime.message.Envelope.fromPayload(payload)
                    .withPosition(1_000_000, "7f3c9a1e7f3c9a1e"));

    assertThat(frame.length())
        .isBetween(BenchEvents.FRAME_BYTES - 10, BenchEvents.FRAME_BYTES + 10);
    long published = BenchEvents.publishedMicros(frame);
    assertThat(published).isCloseTo(BenchEvents.nowMicros(), within(5_000_000L));
    assertThat(BenchEvents.publishedMicros("{\"type\":\"event\"}")).isEqualTo(-1);
  }

  @Test
  void eachProtocolAnswersItsHeartbeatAndRecognisesEvents() {
    assertThat(WireProtocol.REALTIME.answer("{\"type\":\"ping\",\"lastSeq\":3}"))
        .isEqualTo("{\"type\":\"pong\"}");
    assertThat(WireProtocol.REALTIME.answer("{\"type\":\"event\",\"data\":{}}"))
        .isSameAs(WireProtocol.EVENT);
    assertThat(WireProtocol.REALTIME.answer("{\"type\":\"service_status\"}")).isNull();

    assertThat(WireProtocol.SOCKETIO.answer("0{\"sid\":\"x\"}")).isEqualTo("40");
    assertThat(WireProtocol.SOCKETIO.answer("2")).isEqualTo("3");
    assertThat(WireProtocol.SOCKETIO.answer("42[\"event\",{}]")).isSameAs(WireProtocol.EVENT);
    assertThat(WireProtocol.SOCKETIO.answer("40{\"sid\":\"y\"}")).isNull();

    assertThat(WireProtocol.BARE.answer("{\"type\":\"event\"}")).isSameAs(WireProtocol.EVENT);
    assertThat(WireProtocol.BARE.uri("127.0.0.3", 9).toString())
        .isEqualTo("ws://127.0.0.3:9/ws/events");
    assertThat(WireProtocol.SOCKETIO.uri("127.0.0.3", 9).toString())
        .isEqualTo("ws://127.0.0.3:9/socket.io/?EIO=4&transport=websocket");
  }
}
