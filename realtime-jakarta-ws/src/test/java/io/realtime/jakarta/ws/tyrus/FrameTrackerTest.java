package io.realtime.jakarta.ws.tyrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameTrackerTest {

  private static final int TEXT_LIMIT = 1000;
  private static final int BINARY_LIMIT = 100;
  private static final int TEXT = 0x1;
  private static final int BINARY = 0x2;
  private static final int CONTINUATION = 0x0;
  private static final int PING = 0x9;

  private final FrameTracker tracker = new FrameTracker(TEXT_LIMIT, BINARY_LIMIT);

  /** A client frame: masked, the length in 7, 16 or 64 bits as RFC 6455 requires, the payload. */
  private static byte[] frame(int opcode, boolean fin, long declared, int payloadBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    if (declared < 126) {
      out.write(0x80 | (int) declared);
    } else if (declared <= 0xFFFF) {
      out.write(0x80 | 126);
      out.write((int) (declared >>> 8));
      out.write((int) declared);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (declared >>> shift));
      }
    }
    out.writeBytes(new byte[] {0x11, 0x22, 0x33, 0x44});
    // A payload of header-like bytes: the tracker must skip it, not read it.
    byte[] payload = new byte[payloadBytes];
    Arrays.fill(payload, (byte) 0xFF);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] frame(int opcode, boolean fin, int length) {
    return frame(opcode, fin, length, length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private FrameTracker.Refusal feed(byte[] bytes) {
    return tracker.feed(i -> bytes[i], 0, bytes.length);
  }

  private static FrameTracker.Refusal feedInPieces(FrameTracker tracker, byte[] bytes, int[] cuts) {
    int from = 0;
    for (int cut : cuts) {
      FrameTracker.Refusal refusal = tracker.feed(i -> bytes[i], from, cut);
      if (refusal != null) {
        return refusal;
      }
      from = cut;
    }
    return tracker.feed(i -> bytes[i], from, bytes.length);
  }

  @Test
  void framesWithinTheLimitsPassWhateverTheirLengthEncoding() {
    byte[] stream =
        concat(
            frame(TEXT, true, 0),
            frame(TEXT, true, 125),
            frame(TEXT, true, 126),
            frame(TEXT, true, TEXT_LIMIT),
            frame(BINARY, true, BINARY_LIMIT),
            frame(PING, true, 125));

    assertThat(feed(stream)).isNull();
  }

  @Test
  void aFrameOverTheLimitIsRefusedAtItsHeaderWithoutItsPayload() {
    byte[] header = frame(TEXT, true, 4L << 20, 0);

    FrameTracker.Refusal refusal = feed(header);

    assertThat(refusal).isNotNull();
    assertThat(refusal.code()).isEqualTo(1009);
    assertThat(refusal.reason())
        .isEqualTo("Message too big: text messages are limited to 1000 bytes");
  }

  @Test
  void theLimitIsExactAndPerMessageType() {
    assertThat(
            new FrameTracker(TEXT_LIMIT, BINARY_LIMIT).feed(at(frame(TEXT, true, 1001, 0)), 0, 8))
        .extracting(FrameTracker.Refusal::code)
        .isEqualTo(1009);
    assertThat(feed(frame(BINARY, true, BINARY_LIMIT + 1, 0)))
        .extracting(FrameTracker.Refusal::reason)
        .isEqualTo("Message too big: binary messages are limited to 100 bytes");
  }

  private static FrameTracker.Bytes at(byte[] bytes) {
    return i -> bytes[i];
  }

  @Test
  void aHeaderSplitAnywhereIsStillRead() {
    byte[] stream =
        concat(
            frame(TEXT, true, 300), frame(BINARY, true, 50), frame(TEXT, true, 70_000L << 10, 0));
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      int[] cuts = random.ints(random.nextInt(20), 0, stream.length + 1).sorted().toArray();
      FrameTracker fresh = new FrameTracker(TEXT_LIMIT, BINARY_LIMIT);

      FrameTracker.Refusal refusal = feedInPieces(fresh, stream, cuts);

      assertThat(refusal).as("cut at %s", Arrays.toString(cuts)).isNotNull();
      assertThat(refusal.code()).isEqualTo(1009);
    }
    FrameTracker byteByByte = new FrameTracker(TEXT_LIMIT, BINARY_LIMIT);
    int[] everyByte = new int[stream.length];
    Arrays.setAll(everyByte, i -> i);
    assertThat(feedInPieces(byteByByte, stream, everyByte)).isNotNull();
  }

  @Test
  void unmaskedFramesAreReadToo() {
    byte[] unmasked = {(byte) 0x81, 0x03, 'a', 'b', 'c', (byte) 0x81, 126, 0x04, 0x00};

    assertThat(feed(unmasked)).extracting(FrameTracker.Refusal::code).isEqualTo(1009);
  }

  @Test
  void continuationFramesAddUpToTheirMessage() {
    byte[] upToTheLimit =
        concat(
            frame(TEXT, false, 400),
            frame(PING, true, 10),
            frame(CONTINUATION, false, 400),
            frame(CONTINUATION, true, 200),
            frame(TEXT, true, TEXT_LIMIT));
    assertThat(feed(upToTheLimit)).isNull();

    FrameTracker.Refusal refusal =
        feed(concat(frame(TEXT, false, 600), frame(CONTINUATION, true, 401, 0)));

    assertThat(refusal).extracting(FrameTracker.Refusal::code).isEqualTo(1009);
  }

  @Test
  void aLengthWithItsTopBitSetIsTooBig() {
    byte[] header = {(byte) 0x81, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};

    assertThat(feed(header)).extracting(FrameTracker.Refusal::code).isEqualTo(1009);
  }

  @Test
  void brokenFrameSequencesAreProtocolErrors() {
    assertThat(new FrameTracker(TEXT_LIMIT, BINARY_LIMIT).feed(at(frame(PING, true, 126)), 0, 8))
        .isEqualTo(new FrameTracker.Refusal(1002, "Control frame too long"));
    assertThat(refusalOf(frame(CONTINUATION, true, 10)))
        .isEqualTo(new FrameTracker.Refusal(1002, "Continuation frame without a message"));
    assertThat(refusalOf(concat(frame(TEXT, false, 10), frame(TEXT, true, 10))))
        .isEqualTo(new FrameTracker.Refusal(1002, "Expected a continuation frame"));
    assertThat(refusalOf(frame(0x3, true, 10)))
        .isEqualTo(new FrameTracker.Refusal(1002, "Unknown opcode 3"));
  }

  private static FrameTracker.Refusal refusalOf(byte[] bytes) {
    return new FrameTracker(TEXT_LIMIT, BINARY_LIMIT).feed(at(bytes), 0, bytes.length);
  }

  @Test
  void aRefusalIsFinal() {
    FrameTracker.Refusal refusal = feed(frame(TEXT, true, 5000, 0));

    assertThat(feed(frame(TEXT, true, 1))).isSameAs(refusal);
    assertThat(tracker.refusal()).isSameAs(refusal);
  }

  @Test
  void theCloseFrameCarriesTheCodeAndReason() {
    byte[] frame = new FrameTracker.Refusal(1009, "Too big").closeFrame();

    assertThat(Arrays.copyOfRange(frame, 0, 4))
        .containsExactly((byte) 0x88, (byte) 9, (byte) 0x03, (byte) 0xF1);
    assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo("Too big");
  }
}
