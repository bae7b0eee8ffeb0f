package io.realtime.message;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Splices a stream position into an envelope encoded by {@link JsonMessageCodec}, after one pass of
 * the streaming parser over the text, which builds no tree: the text must be one JSON object with
 * {@code type}, {@code data} and optionally {@code timestamp}, in the order the codec writes them
 * and nothing else at the top level (so never a {@code seq}, {@code epoch} or {@code replay} of its
 * own), no duplicate key anywhere, finite numbers, a canonical timestamp. The data of an {@code
 * event}, the common case, is checked in the same pass to be valid and laid out as the codec writes
 * it; the data of the other typed payloads ({@code system_status}, ...) is bound to its record, to
 * run the same validation as decoding, and must be written as the codec writes that record.
 * Anything else is left to decoding, so that a spliced text means exactly what decoding and
 * encoding would write.
 */
final class JsonEnvelopeSplicer {

  private static final String TYPE = "type";
  private static final String DATA = "data";
  private static final String TIMESTAMP = "timestamp";

  /** Types that {@link JsonMessageCodec#decode} does not read as envelopes. */
  private static final Set<String> NOT_ENVELOPES =
      Set.of(MessageTypes.PING, MessageTypes.PONG, MessageTypes.ERROR, MessageTypes.RESYNC_ACK);

  /** The schema fields of an event, in the order the codec writes them. */
  private static final String[] EVENT_FIELDS =
      SecurityEvent.class.getAnnotation(JsonPropertyOrder.class).value();

  private static final Set<String> RISK_LEVELS =
      Arrays.stream(RiskLevel.values()).map(RiskLevel::wireName).collect(Collectors.toSet());

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  private final Map<String, ObjectReader> typedReaders;

  JsonEnvelopeSplicer(ObjectMapper mapper, Map<String, Class<?>> payloadTypes) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
    Map<String, ObjectReader> readers = new HashMap<>();
    payloadTypes.forEach((type, payload) -> readers.put(type, mapper.readerFor(payload)));
    readers.remove(MessageTypes.EVENT); // checked while scanning, see dataToEnd
    this.typedReaders = Map.copyOf(readers);
  }

  SplicedEnvelope splice(String text, Long seq, String epoch, boolean replay) {
    if (text == null || !validPosition(seq, epoch, replay)) {
      return null;
    }
    if (!compact(text)) {
      return null;
    }
    Layout layout;
    try {
      layout = scan(text);
    } catch (IOException | RuntimeException e) {
      return null; // decoding says what is wrong
    }
    if (layout == null) {
      return null;
    }
    if (seq == null) {
      return new SplicedEnvelope(layout.type, text);
    }
    StringBuilder spliced = new StringBuilder(text.length() + 48 + epoch.length());
    spliced.append(text, 0, layout.close).append(",\"seq\":").append(seq.longValue());
    spliced.append(",\"epoch\":\"");
    JsonStringEncoder.getInstance().quoteAsString(epoch, spliced);
    spliced.append('"');
    if (replay) {
      spliced.append(",\"replay\":true");
    }
    spliced.append(text, layout.close, text.length());
    return new SplicedEnvelope(layout.type, spliced.toString());
  }

  /** What {@link Envelope} accepts: seq and epoch together, seq 1 or more, a replay positioned. */
  private static boolean validPosition(Long seq, String epoch, boolean replay) {
    if (seq == null) {
      return epoch == null && !replay;
    }
    return seq >= 1 && epoch != null && !epoch.isBlank();
  }

  /**
   * Whether the text is no larger than the codec would write it: no whitespace between tokens and
   * no escape in a string but those the codec writes ({@code \\"}, {@code \\\\}, the short escapes
   * of control characters, {@code \\u} for the other control characters). A client's frame counts
   * against its byte bound, so another publisher's spaces or {@code \\u} escapes of printable text
   * (Python's {@code ensure_ascii}: twice the bytes for CJK text, six times for an escaped letter)
   * must not reach it: decoding and encoding write such text compactly.
   */
  static boolean compact(String text) {
    boolean inString = false;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '"') {
          inString = false;
        } else if (c == '\\') {
          if (++i >= length || !writtenEscape(text, i)) {
            return false;
          }
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return false;
      }
    }
    return true;
  }

  /** Whether the escape whose letter is at {@code at} is one the codec writes. */
  private static boolean writtenEscape(String text, int at) {
    return switch (text.charAt(at)) {
      case '"', '\\', 'b', 'f', 'n', 'r', 't' -> true;
      case 'u' -> {
        if (at + 4 >= text.length()) {
          yield false;
        }
        int code;
        try {
          code = Integer.parseInt(text, at + 1, at + 5, 16);
        } catch (NumberFormatException e) {
          yield false;
        }
        // The control characters without a short escape; the codec writes every other raw.
        yield code < 0x20
            && code != '\b'
            && code != '\f'
            && code != '\n'
            && code != '\r'
            && code != '\t';
      }
      default -> false;
    };
  }

  /**
   * The type and the offset of the closing brace, or {@code null} when the text must be decoded.
   */
  private record Layout(String type, int close) {}

  private Layout scan(String text) throws IOException {
    try (JsonParser parser = factory.createParser(text)) {
      parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String type = null;
      boolean data = false;
      int dataStart = -1;
      int dataEnd = -1;
      int seen = 0; // 1 type, 2 data, 3 timestamp: each only after the ones before it
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        int field = fieldIndex(parser.currentName());
        if (field > 3 || field <= seen) {
          return null;
        }
        seen = field;
        JsonToken value = parser.nextToken();
        if (field == 1) {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
          type = parser.getText();
          if (!validType(type)) {
            return null;
          }
        } else if (field == 2) {
          data = true;
          if (value == JsonToken.START_OBJECT) {
            dataStart = (int) parser.currentTokenLocation().getCharOffset();
            if (!dataToEnd(parser, MessageTypes.EVENT.equals(type))) {
              return null;
            }
            dataEnd = (int) parser.currentLocation().getCharOffset();
          } else if (value != JsonToken.VALUE_NULL) {
            return null;
          }
        } else if (value != JsonToken.VALUE_STRING || !Timestamps.isCanonical(parser.getText())) {
          return null;
        }
      }
      if (token != JsonToken.END_OBJECT || type == null || !data) {
        return null;
      }
      int close = (int) parser.currentTokenLocation().getCharOffset();
      if (parser.nextToken() != null || close < 0 || text.charAt(close) != '}') {
        return null;
      }
      if (dataStart >= 0 && !canonicalTypedData(type, text, dataStart, dataEnd)) {
        return null;
      }
      return new Layout(type, close);
    }
  }

  /** 1 for type, 2 for data, 3 for timestamp, {@code Integer.MAX_VALUE} for anything else. */
  private static int fieldIndex(String name) {
    return switch (name) {
      case TYPE -> 1;
      case DATA -> 2;
      case TIMESTAMP -> 3;
      default -> Integer.MAX_VALUE;
    };
  }

  private static boolean validType(String type) {
    return !type.isBlank()
        && type.length() <= MessageTypes.MAX_TYPE_LENGTH
        && !NOT_ENVELOPES.contains(type);
  }

  /**
   * Reads to the end of the data object just started, refusing numbers a double cannot hold, as
   * decoding does; the data of an {@code event} must also be laid out as the codec writes a {@link
   * SecurityEvent}.
   */
  private static boolean dataToEnd(JsonParser parser, boolean event) throws IOException {
    int depth = 1;
    int eventField = 0;
    while (depth > 0) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return false;
      }
      if (event
          && depth == 1
          && token == JsonToken.FIELD_NAME
          && eventField < EVENT_FIELDS.length) {
        if (!EVENT_FIELDS[eventField].equals(parser.currentName())
            || !canonicalEventField(eventField, parser)) {
          return false;
        }
        eventField++;
        continue;
      }
      switch (token) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_NUMBER_FLOAT -> {
          double number = parser.getDoubleValue();
          // Longer than the codec writes it (1.50, 0.10000000000000000555): left to decoding.
          if (!Double.isFinite(number)
              || parser.getTextLength() > Double.toString(number).length()) {
            return false;
          }
        }
        case VALUE_NUMBER_INT -> {
          if (negativeZero(parser)) {
            return false;
          }
        }
        case VALUE_STRING -> parser.getTextLength(); // reads it whole: the parser's length limit
        default -> {
          // names, booleans, nulls: nothing to check
        }
      }
    }
    return !event || eventField == EVENT_FIELDS.length;
  }

  /**
   * Reads the value of the schema field {@code EVENT_FIELDS[field]} and tells whether {@link
   * SecurityEvent#fromMap} accepts it and the codec writes it back unchanged: the ids integers of a
   * long, the score an integer from 0 to 100, the level in lower case, the texts strings (the batch
   * and camera not blank), the start a string or null. Every other field of an event is an extra
   * that any JSON value with finite numbers can be, written back as it is.
   */
  private static boolean canonicalEventField(int field, JsonParser parser) throws IOException {
    JsonToken value = parser.nextToken();
    return switch (field) {
      case 0, 1 ->
          value == JsonToken.VALUE_NUMBER_INT
              && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              && !negativeZero(parser);
      case 2, 3 -> value == JsonToken.VALUE_STRING && !parser.getText().isBlank();
      case 4 ->
          value == JsonToken.VALUE_NUMBER_INT
              && parser.getNumberType() == JsonParser.NumberType.INT
              && parser.getIntValue() >= 0
              && parser.getIntValue() <= 100
              && !negativeZero(parser);
      case 5 -> value == JsonToken.VALUE_STRING && RISK_LEVELS.contains(parser.getText());
      case 6 -> value == JsonToken.VALUE_STRING;
      default -> value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NULL;
    };
  }

  /** An integer written {@code -0}, which the codec writes {@code 0}. */
  private static boolean negativeZero(JsonParser parser) throws IOException {
    return parser.getTextLength() == 2 && "-0".equals(parser.getText());
  }

  /**
   * Runs the validation decoding runs on a typed payload, binding it to its record, and checks that
   * the codec writes that record back as the text has it: a payload laid out otherwise (a field
   * left out, a level in upper case, an integer written {@code 1e3}) would be written back changed.
   */
  private boolean canonicalTypedData(String type, String text, int start, int end)
      throws IOException {
    ObjectReader reader = typedReaders.get(type);
    if (reader == null) {
      return true;
    }
    Object payload;
    try (JsonParser parser = factory.createParser(text.toCharArray(), start, end - start)) {
      payload = reader.readValue(parser);
    }
    if (payload == null) {
      return false;
    }
    String written = mapper.writeValueAsString(payload);
    return written.length() == end - start && text.regionMatches(start, written, 0, end - start);
  }
}
