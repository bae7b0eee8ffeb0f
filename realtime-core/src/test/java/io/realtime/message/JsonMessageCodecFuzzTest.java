package io.realtime.message;

import static io.realtime.fuzz.CallBound.timed;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.function.Supplier;

/**
 * Fuzzes the JSON codec's decoding: any text either decodes or fails with a {@link
 * MessageFormatException} whose error reply can be sent; whatever decodes encodes again and decodes
 * to an equal message, and re-encoding that is stable; whatever the codec splices a position into
 * decodes, and the spliced text decodes to it at that position. Seeds: {@code
 * src/test/resources/io/realtime/message/JsonMessageCodecFuzzTestInputs/decode/}; see
 * docs/fuzzing.md.
 */
class JsonMessageCodecFuzzTest {

  /** The longest one call may take; generous, for GC pauses on a loaded 2-core machine. */
  private static final MessageCodec CODEC = MessageCodec.json();

  static {
    // Loads and warms the codec, so that the first timed call does not pay for it.
    CODEC.encode(CODEC.decode("{\"type\":\"event.x\",\"data\":{\"a\":[1,2.5,null]}}"));
  }

  @FuzzTest(maxDuration = "20s")
  void decode(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();

    Message message = timed("decode", () -> decodeOrReply(() -> CODEC.decode(text)));
    if (message != null) {
      String encoded = timed("encode", () -> CODEC.encode(message));
      Message again = timed("decode", () -> CODEC.decode(encoded));
      assertThat(again).as("decode(encode(decode(%s)))", text).isEqualTo(message);
      assertThat(CODEC.encode(again)).as("re-encoding of %s", encoded).isEqualTo(encoded);
    }
    SplicedEnvelope spliced = timed("splice", () -> CODEC.splice(text, 3L, "e", true));
    if (spliced != null) {
      assertThat(message).as("decode of spliced %s", text).isInstanceOf(Envelope.class);
      Envelope positioned = ((Envelope) message).withPosition(3, "e").asReplay();
      assertThat(CODEC.decode(spliced.text())).as("splice of %s", text).isEqualTo(positioned);
    }

    ClientMessage client =
        timed("decodeClient", () -> decodeOrReply(() -> CODEC.decodeClient(text)));
    if (client != null) {
      assertThat(client.type()).isNotBlank().hasSizeLessThanOrEqualTo(MessageTypes.MAX_TYPE_LENGTH);
      assertThat(client.normalizedType()).isNotNull();
    }
  }

  /**
   * Runs a decode; a {@link MessageFormatException} (the one documented failure) must carry a code
   * and an error reply that encodes and decodes, as the client gets it.
   */
  private static <T> T decodeOrReply(Supplier<T> decode) {
    try {
      return decode.get();
    } catch (MessageFormatException e) {
      assertThat(e.code()).isNotNull();
      ErrorReply reply = e.toErrorReply();
      String wire = CODEC.encode(reply);
      assertThat(CODEC.decode(wire)).isInstanceOf(ErrorReply.class);
      return null;
    }
  }
}
