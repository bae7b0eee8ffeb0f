package io.realtime.redis.internal;

import static io.realtime.fuzz.CallBound.timed;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.realtime.transport.TransportMessage;

/**
 * Fuzzes the reading of what Redis delivers on a channel: any text reads without an exception,
 * either as a plain message carrying the text unchanged or as a stream message whose frame, written
 * again as the append script writes it ({@code <RS>rt|<seq>|<epoch>|<payload>}), is the text; and
 * every frame the script can write reads back to its offset, epoch and payload.
 *
 * <p>An input is the text Redis delivered; the frames written around it take their offset and epoch
 * from its hash. Seeds: {@code
 * src/test/resources/io/realtime/redis/internal/StreamFramesFuzzTestInputs/read/}; see
 * docs/fuzzing.md.
 */
class StreamFramesFuzzTest {

  /** The longest one call may take; generous, for GC pauses on a loaded 2-core machine. */
  private static final String CHANNEL = "events";

  static {
    StreamFrames.read(CHANNEL, frame(1, "e", "{}"));
  }

  @FuzzTest(maxDuration = "20s")
  void read(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();

    TransportMessage message = timedRead(text);
    assertThat(message.channel()).isEqualTo(CHANNEL);
    if (message.isStream()) {
      assertThat(message.seq()).isPositive();
      assertThat(frame(message.seq(), message.epoch(), message.payload()))
          .as("the frame of %s", message)
          .isEqualTo(text);
    } else {
      assertThat(message.payload()).isEqualTo(text);
      assertThat(message.epoch()).isNull();
    }

    // What the append script writes (seq from INCR, the epoch a hex string) reads back whole,
    // whatever the payload.
    long hash = Integer.toUnsignedLong(text.hashCode());
    String epoch = Long.toHexString(hash | Long.MIN_VALUE);
    for (long seq : new long[] {1, hash * 1_000_003L + 1, Long.MAX_VALUE}) {
      String frame = frame(seq, epoch, text);
      assertThat(timedRead(frame)).isEqualTo(new TransportMessage(CHANNEL, text, seq, epoch));
      assertThat(StreamFrames.isHeartbeat(frame)).isFalse();
    }
  }

  /** The frame as {@link StreamScripts#APPEND} writes it. */
  private static String frame(long seq, String epoch, String payload) {
    return StreamFrames.STREAM_PREFIX + seq + "|" + epoch + "|" + payload;
  }

  private static TransportMessage timedRead(String text) {
    return timed("read", () -> StreamFrames.read(CHANNEL, text));
  }
}
