package io.realtime.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.transport.TransportMessage;
import org.junit.jupiter.api.Test;

class StreamFramesTest {

  @Test
  void aFrameReadsAsItsOffsetEpochAndPayload() {
    assertThat(StreamFrames.read("events", "\u001Ert|42|8f3a|{\"a\":\"b|c\"}"))
        .isEqualTo(new TransportMessage("events", "{\"a\":\"b|c\"}", 42L, "8f3a"));
    assertThat(StreamFrames.read("events", "\u001Ert|9223372036854775807||"))
        .isEqualTo(new TransportMessage("events", "", Long.MAX_VALUE, ""));
  }

  /**
   * Found by StreamFramesFuzzTest: Long.parseLong took "+5", "007" and non-ASCII digits, so a text
   * the append script never writes read as a frame whose offset is not what the text says.
   */
  @Test
  void anOffsetIsAsciiDigitsAsTheAppendScriptWritesThemOrTheTextIsPlain() {
    for (String seq :
        new String[] {
          "+5", "-5", "007", "0", "", "\u0665", "\uff15", "9223372036854775808", "5 "
        }) {
      String text = "\u001Ert|" + seq + "|e|x";

      assertThat(StreamFrames.read("events", text))
          .as(seq)
          .isEqualTo(TransportMessage.plain("events", text));
    }
  }
}
