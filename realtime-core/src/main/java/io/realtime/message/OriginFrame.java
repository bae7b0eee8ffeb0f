package io.realtime.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The frame of a message on the system channels of the transport: {@code
 * {"_origin_instance":"id","payload":{…}}}, the message's wire text as its publisher encoded it,
 * with the id of the instance that published it, so that an instance drops its own echo. The same
 * frame as the original system's, so that its instances and these can share a Redis.
 *
 * <p>Part of the codec: no other class builds or reads this shape.
 *
 * @param origin the publishing instance's id, or {@code null} for a message published without the
 *     frame (by another producer), which every instance forwards
 * @param payload the message's wire text
 */
public record OriginFrame(String origin, String payload) {

  /** The frame's field naming the publishing instance. */
  public static final String ORIGIN = "_origin_instance";

  /** The frame's field holding the message. */
  public static final String PAYLOAD = "payload";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  /**
   * Checks the components.
   *
   * @param origin the publishing instance's id, or {@code null}
   * @param payload the message's wire text
   */
  public OriginFrame {
    Objects.requireNonNull(payload, "payload");
  }

  /**
   * Frames a message's wire text with its publisher's id, without decoding it.
   *
   * @param origin the publishing instance's id; escaped as a JSON string
   * @param payload the message's wire text, a JSON object
   * @return the framed text
   */
  public static String wrap(String origin, String payload) {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(payload, "payload");
    return "{\""
        + ORIGIN
        + "\":\""
        + new String(JsonStringEncoder.getInstance().quoteAsString(origin))
        + "\",\""
        + PAYLOAD
        + "\":"
        + payload
        + "}";
  }

  /**
   * Reads a message from a system channel. The frame as {@link #wrap} writes it is read without
   * decoding the message, whose text is kept as its publisher encoded it; an object holding both
   * fields in another layout is read too; any other JSON is a message published without the frame.
   *
   * @param text the text on the channel
   * @return the frame
   * @throws MessageFormatException with {@code invalid_json} if the text is not JSON
   */
  public static OriginFrame read(String text) {
    Objects.requireNonNull(text, "text");
    OriginFrame exact = readAsWritten(text);
    if (exact != null) {
      return exact;
    }
    try {
      JsonNode root = JSON.readTree(text);
      if (root != null && root.isObject() && root.has(ORIGIN) && root.has(PAYLOAD)) {
        return new OriginFrame(
            root.get(ORIGIN).asText(), JSON.writeValueAsString(root.get(PAYLOAD)));
      }
      return new OriginFrame(null, text);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException(
          ErrorCode.INVALID_JSON,
          "Not a JSON message: " + e.getOriginalMessage(),
          Map.of("validation_errors", List.of(e.getOriginalMessage())),
          e);
    }
  }

  /** The layout {@link #wrap} writes, and nothing else; {@code null} otherwise. */
  private static OriginFrame readAsWritten(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT
          || parser.nextToken() != JsonToken.FIELD_NAME
          || !ORIGIN.equals(parser.currentName())
          || parser.nextToken() != JsonToken.VALUE_STRING) {
        return null;
      }
      String origin = parser.getText();
      if (parser.nextToken() != JsonToken.FIELD_NAME
          || !PAYLOAD.equals(parser.currentName())
          || parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      int start = (int) parser.currentTokenLocation().getCharOffset();
      parser.skipChildren();
      int end = (int) parser.currentLocation().getCharOffset();
      if (parser.nextToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return null;
      }
      return new OriginFrame(origin, text.substring(start, end));
    } catch (IOException e) {
      return null; // read again leniently, which reports it
    }
  }
}
