package io.realtime.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Splicing a stream position into an encoded envelope gives the JSON that decoding, positioning and
 * encoding again gives; and the codec splices nothing that decoding would refuse.
 */
class JsonEnvelopeSpliceTest {

  private static final MessageCodec CODEC = MessageCodec.json();
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final String MUTATIONS = "{}[]\":,e1-\\x ";
  private static final String[] WORDS = {
    "seq",
    "epoch",
    "replay",
    "type",
    "data",
    "timestamp",
    "a",
    "caméra",
    "日本語",
    "🚨 alert",
    "quote\"d",
    "back\\slash",
    "tab\there",
    "new\nline",
    "nul\u0000",
    "</script>",
    "\u2028",
    ""
  };

  /** What clients got before: the text decoded, positioned, marked and encoded again. */
  private static String reencoded(String text, Long seq, String epoch, boolean replay) {
    Envelope envelope = (Envelope) CODEC.decode(text);
    if (seq == null) {
      return CODEC.encode(envelope);
    }
    Envelope positioned = envelope.withPosition(seq, epoch);
    return CODEC.encode(replay ? positioned.asReplay() : positioned);
  }

  private static JsonNode tree(String text) throws IOException {
    return STRICT.readTree(text); // fails on a duplicate key
  }

  private static void assertSplicesLikeReencoding(
      String text, Long seq, String epoch, boolean replay) throws IOException {
    SplicedEnvelope spliced = CODEC.splice(text, seq, epoch, replay);
    assertThat(spliced).as("splice of %s", text).isNotNull();
    String expected = reencoded(text, seq, epoch, replay);
    assertThat(tree(spliced.text())).as("spliced %s", text).isEqualTo(tree(expected));
    if (text.equals(CODEC.encode(CODEC.decode(text)))) {
      assertThat(spliced.text()).as("spliced %s", text).isEqualTo(expected);
    }
    assertThat(spliced.type()).isEqualTo(CODEC.decode(text).type());
    // The frame a client gets never grows: its size counts against the client's byte bound.
    assertThat(spliced.text().getBytes(StandardCharsets.UTF_8).length)
        .as("bytes of spliced %s", text)
        .isLessThanOrEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void manyEnvelopesSpliceToTheJsonOfDecodingAndEncoding() throws IOException {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 2_000; i++) {
      Envelope envelope = randomEnvelope(random);
      String text = CODEC.encode(envelope);
      boolean positioned = random.nextInt(8) != 0;
      Long seq = positioned ? 1 + random.nextLong(Long.MAX_VALUE - 1) : null;
      String epoch = positioned ? word(random) + "-" + random.nextInt() : null;
      assertSplicesLikeReencoding(text, seq, epoch, positioned && random.nextBoolean());
    }
  }

  @Test
  void everyGoldenEnvelopeSplicesToTheJsonOfDecodingAndEncoding() throws IOException {
    int envelopes = 0;
    try (Stream<Path> files = Files.list(golden())) {
      for (Path file : files.sorted().toList()) {
        Message message = CODEC.decode(Files.readString(file, StandardCharsets.UTF_8));
        if (message instanceof Envelope envelope) {
          Envelope plain =
              new Envelope(
                  envelope.type(), envelope.data(), envelope.timestamp(), null, null, false);
          String text = CODEC.encode(plain);
          assertSplicesLikeReencoding(text, 7L, "e-1", false);
          assertSplicesLikeReencoding(text, 7L, "e-1", true);
          assertSplicesLikeReencoding(text, null, null, false);
          envelopes++;
        }
      }
    }
    assertThat(envelopes).isGreaterThanOrEqualTo(10);
  }

  @Test
  void anEventAsTheCodecWritesItIsSplicedWithItsExtras() throws IOException {
    String text =
        "{\"type\":\"event\",\"data\":{\"id\":-1,\"event_id\":2,\"batch_id\":\"b\",\"camera_id\":\"c\","
            + "\"risk_score\":100,\"risk_level\":\"critical\",\"summary\":\"\",\"started_at\":\"t\","
            + "\"seq\":1,\"epoch\":[1.5,{\"replay\":true}]}}";
    assertSplicesLikeReencoding(text, 9L, "e", true);
  }

  /**
   * Another publisher's whitespace, escapes of printable characters (Python's {@code ensure_ascii})
   * and over-long numbers would make the spliced frame larger than the one encoding writes (twice
   * as large for CJK text, six times for an escaped ASCII letter), and a frame over a client's byte
   * bound closes it: such text is left to decoding, which writes it compactly.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        " { \"type\" : \"alert.created\" ,\n \"data\" : { \"x\" : [ 1 , 2 ] } } \n",
        "{\"type\": \"alert.created\", \"data\": {\"x\": 1}}",
        "{\"type\":\"alert.created\",\"data\":{\"summary\":\"\\u7384\\u95a2\"}}",
        "{\"type\":\"alert.created\",\"data\":{\"s\":\"\\u0041\"}}",
        "{\"type\":\"alert.created\",\"data\":{\"s\":\"a\\/b\"}}",
        "{\"type\":\"alert.created\",\"data\":{\"s\":\"\\u000a\"}}",
        "{\"type\":\"alert.created\",\"data\":{\"x\":1.50}}",
        "{\"type\":\"alert.created\",\"data\":{\"x\":0.1000000000000000055511151231257827}}",
        "{\"type\":\"alert.created\",\"data\":{\"x\":-0}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\","
            + "\"risk_score\":-0,\"risk_level\":\"low\",\"summary\":\"s\",\"started_at\":null}}"
      })
  void textLargerThanTheCodecWouldWriteItIsLeftToDecoding(String text) {
    assertThat(CODEC.decode(text)).isNotNull();
    assertThat(CODEC.splice(text, 3L, "e", false)).as("splice of %s", text).isNull();
  }

  @Test
  void escapesTheCodecWritesItselfAreSpliced() throws IOException {
    assertSplicesLikeReencoding(
        "{\"type\":\"alert.created\",\"data\":{\"s\":\"q\\\"\\\\\\n\\t\\u0001\",\"x\":1.5}}",
        3L,
        "e",
        false);
  }

  /** Decoding refuses a string over Jackson's length limit; splicing must not deliver it. */
  @Test
  void aStringOverTheParsersLengthLimitIsLeftToDecoding() {
    String text =
        "{\"type\":\"alert.created\",\"data\":{\"a\":\"" + "x".repeat(21_000_000) + "\"}}";
    assertThatThrownBy(() -> CODEC.decode(text)).isInstanceOf(MessageFormatException.class);
    assertThat(CODEC.splice(text, 3L, "e", false)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[1]",
        "{\"type\":\"x\",\"data\":{}} trailing",
        "{\"type\":\"x\",\"data\":{}}{}",
        "{\"type\":\"x\",\"data\":{},\"seq\":3,\"epoch\":\"old\"}",
        "{\"type\":\"x\",\"data\":{},\"replay\":true}",
        "{\"type\":\"x\",\"data\":{},\"extra\":1}",
        "{\"data\":{},\"type\":\"x\"}",
        "{\"type\":\"x\"}",
        "{\"type\":\"x\",\"type\":\"y\",\"data\":{}}",
        "{\"type\":\"x\",\"data\":{\"a\":1,\"a\":2}}",
        "{\"type\":\"x\",\"data\":{\"a\":[1e400]}}",
        "{\"type\":\"x\",\"data\":[1]}",
        "{\"type\":\"x\",\"data\":{},\"timestamp\":\"2024-01-15T10:30:00.000000\"}",
        "{\"type\":\"x\",\"data\":{},\"timestamp\":\"yesterday\"}",
        "{\"type\":\"x\",\"data\":{},\"timestamp\":null}",
        "{\"type\":\" \",\"data\":{}}",
        "{\"type\":1,\"data\":{}}",
        "{\"type\":\"ping\",\"data\":null}",
        "{\"type\":\"error\",\"data\":{}}",
        "{\"type\":\"event\",\"data\":{\"id\":1}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\","
            + "\"risk_score\":500,\"risk_level\":\"low\",\"summary\":\"s\",\"started_at\":null}}",
        "{\"type\":\"system_status\",\"data\":{\"gpu\":\"hot\"}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\",\"risk_score\":75,\"risk_level\":\"HIGH\",\"summary\":\"s\",\"started_at\":null}}",
        "{\"type\":\"event\",\"data\":{\"id\":1e3,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\",\"risk_score\":75,\"risk_level\":\"high\",\"summary\":\"s\",\"started_at\":null}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\",\"risk_score\":75.0,\"risk_level\":\"high\",\"summary\":\"s\",\"started_at\":null}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\" \",\"camera_id\":\"c\",\"risk_score\":75,\"risk_level\":\"high\",\"summary\":\"s\",\"started_at\":null}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\",\"risk_score\":75,\"risk_level\":\"high\",\"summary\":\"s\"}}",
        "{\"type\":\"event\",\"data\":{\"event_id\":1,\"id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\",\"risk_score\":75,\"risk_level\":\"high\",\"summary\":\"s\",\"started_at\":null}}",
        "{\"type\":\"event\",\"data\":{\"id\":1,\"event_id\":1,\"batch_id\":\"b\",\"camera_id\":\"c\",\"risk_score\":75,\"risk_level\":\"high\",\"summary\":\"s\",\"started_at\":null,\"summary_x\":[1e400]}}",
        "{\"type\":\"x\",\"data\":{}"
      })
  void whatIsNotAnEnvelopeAsTheCodecWritesItIsLeftToDecoding(String text) {
    assertThat(CODEC.splice(text, 1L, "e", false)).isNull();
    assertThat(CODEC.splice(text, null, null, false)).isNull();
  }

  @Test
  void theTimestampCheckAgreesWithParsingAndFormatting() {
    SplittableRandom random = new SplittableRandom(3);
    int canonical = 0;
    for (int i = 0; i < 20_000; i++) {
      long second = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0000 to 9999
      int nanos =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      String text = Timestamps.format(Instant.ofEpochSecond(second, nanos));
      if (random.nextBoolean()) {
        StringBuilder mutated = new StringBuilder(text);
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> mutated.deleteCharAt(at);
          case 1 -> mutated.insert(at, (char) ('0' + random.nextInt(10)));
          default -> mutated.setCharAt(at, "0123456789:-.TZ+ ".charAt(random.nextInt(17)));
        }
        text = mutated.toString();
      }
      boolean expected = formatsBackTo(text);
      assertThat(Timestamps.isCanonical(text)).as(text).isEqualTo(expected);
      canonical += expected ? 1 : 0;
    }
    assertThat(canonical).isBetween(8_000, 18_000);
  }

  private static boolean formatsBackTo(String text) {
    try {
      return Timestamps.format(Timestamps.parse(text)).equals(text);
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  @Test
  void anInvalidPositionIsLeftToDecoding() {
    String text = CODEC.encode(Envelope.of("x", Map.of()));
    assertThat(CODEC.splice(text, 0L, "e", false)).isNull();
    assertThat(CODEC.splice(text, 1L, " ", false)).isNull();
    assertThat(CODEC.splice(text, 1L, null, false)).isNull();
    assertThat(CODEC.splice(text, null, "e", false)).isNull();
    assertThat(CODEC.splice(text, null, null, true)).isNull();
  }

  @Test
  void nothingDecodingRefusesIsSpliced() throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    int spliced = 0;
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      String text = mutate(CODEC.encode(randomEnvelope(random)), random);
      boolean decodes;
      try {
        decodes = CODEC.decode(text) instanceof Envelope e && e.seq() == null;
      } catch (MessageFormatException e) {
        decodes = false;
      }
      SplicedEnvelope result = CODEC.splice(text, 5L, "e", false);
      if (!decodes) {
        assertThat(result).as("splice of undecodable %s", text).isNull();
        refused++;
      } else if (result != null) {
        assertSplicesLikeReencoding(text, 5L, "e", false);
        spliced++;
      }
    }
    assertThat(spliced).isPositive();
    assertThat(refused).isPositive();
  }

  private static Path golden() {
    try (InputStream probe = JsonEnvelopeSpliceTest.class.getResourceAsStream("/golden/log.json")) {
      assertThat(probe).isNotNull();
      return Path.of(JsonEnvelopeSpliceTest.class.getResource("/golden/log.json").toURI())
          .getParent();
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String mutate(String text, SplittableRandom random) {
    StringBuilder mutated = new StringBuilder(text);
    int at = random.nextInt(text.length());
    switch (random.nextInt(3)) {
      case 0 -> mutated.deleteCharAt(at);
      case 1 -> mutated.insert(at, MUTATIONS.charAt(random.nextInt(MUTATIONS.length())));
      default -> mutated.setCharAt(at, MUTATIONS.charAt(random.nextInt(MUTATIONS.length())));
    }
    return mutated.toString();
  }

  private static String word(SplittableRandom random) {
    return WORDS[random.nextInt(WORDS.length)];
  }

  private static Envelope randomEnvelope(SplittableRandom random) {
    Instant timestamp =
        random.nextBoolean()
            ? null
            : Instant.ofEpochSecond(random.nextLong(4_000_000_000L), random.nextInt(1_000_000_000));
    if (random.nextBoolean()) {
      Map<String, Object> extra = new LinkedHashMap<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        String key = word(random);
        if (!key.isEmpty() && !List.of("summary", "type").contains(key)) {
          extra.put(key + "_x", value(random, 2));
        }
      }
      SecurityEvent event =
          new SecurityEvent(
              random.nextLong(),
              random.nextLong(),
              word(random) + "b",
              word(random) + "c",
              random.nextInt(101),
              RiskLevel.values()[random.nextInt(RiskLevel.values().length)],
              word(random),
              random.nextBoolean() ? null : word(random),
              extra);
      return Envelope.event(event).withTimestamp(timestamp);
    }
    String type = random.nextBoolean() ? "alert.created" : "custom." + random.nextInt(100);
    Object data = random.nextInt(10) == 0 ? null : object(random, 3);
    return Envelope.of(type, data).withTimestamp(timestamp);
  }

  private static Map<String, Object> object(SplittableRandom random, int depth) {
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = random.nextInt(6); i > 0; i--) {
      object.put(word(random) + (random.nextBoolean() ? "" : i), value(random, depth - 1));
    }
    return object;
  }

  private static Object value(SplittableRandom random, int depth) {
    return switch (depth <= 0 ? random.nextInt(7) : random.nextInt(9)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextInt();
      case 3 -> random.nextLong();
      case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(-300, 300));
      case 5 -> new java.math.BigInteger(80, new java.util.Random(random.nextLong()));
      case 6 -> word(random);
      case 7 -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(value(random, depth - 1));
        }
        yield list;
      }
      default -> object(random, depth);
    };
  }
}
