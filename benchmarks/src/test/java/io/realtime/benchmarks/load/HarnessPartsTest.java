package io.realtime.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.realtime.message.MessageCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's measuring parts: if these lie, every number in the report does. */
class HarnessPartsTest {

  @Test
  void quantilesAreWithinTheHistogramsPrecision() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long micros = 1; micros <= 100_000; micros++) {
      histogram.record(micros);
    }
    assertThat(histogram.count()).isEqualTo(100_000);
    assertThat((double) histogram.quantile(0.5)).isCloseTo(50_000, within(50_000 * 0.002));
    assertThat((double) histogram.quantile(0.99)).isCloseTo(99_000, within(99_000 * 0.002));
    assertThat((double) histogram.quantile(0.999)).isCloseTo(99_900, within(99_900 * 0.002));
    assertThat(histogram.quantile(0.0001)).isEqualTo(10);

    histogram.reset();
    assertThat(histogram.quantile(0.5)).isEqualTo(-1);
  }

  @Test
  void smallLatenciesAreExact() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(0);
    histogram.record(7);
    histogram.record(1023);
    assertThat(histogram.quantile(0.34)).isEqualTo(7);
    assertThat(histogram.quantile(1.0)).isEqualTo(1023);
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
    assertThat(WireProtocol.SOCKETIO.uri("127.0.0.3", 9).toString())
        .isEqualTo("ws://127.0.0.3:9/socket.io/?EIO=4&transport=websocket");
  }
}
