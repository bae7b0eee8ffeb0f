package io.realtime.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.realtime.message.payload.CircuitBreakerUpdate;
import io.realtime.message.payload.JobEnd;
import io.realtime.message.payload.LogEntry;
import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.message.payload.ShutdownNotice;
import io.realtime.message.payload.SystemStatus;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON codec (Jackson). Field names are snake_case as in the original system; timestamps are
 * ISO-8601 UTC; unknown fields are accepted when decoding. Numbers beyond the range of a double
 * ({@code 1e400}) do not decode: they are an {@code invalid_message_format} error.
 */
public final class JsonMessageCodec implements MessageCodec {

  private static final int PREVIEW_CHARS = 100;
  private static final Map<String, Class<?>> PAYLOAD_TYPES =
      Map.of(
          MessageTypes.EVENT, SecurityEvent.class,
          MessageTypes.SYSTEM_STATUS, SystemStatus.class,
          MessageTypes.SERVICE_STATUS, ServiceStatus.class,
          MessageTypes.PERFORMANCE_UPDATE, PerformanceUpdate.class,
          MessageTypes.LOG, LogEntry.class,
          MessageTypes.SYSTEM_SHUTDOWN, ShutdownNotice.class,
          MessageTypes.CIRCUIT_BREAKER_UPDATE, CircuitBreakerUpdate.class,
          MessageTypes.JOB_END, JobEnd.class);

  private final ObjectMapper mapper;
  private final JsonEnvelopeSplicer splicer;

  private JsonMessageCodec() {
    SimpleModule timestamps = new SimpleModule("realtime-timestamps");
    timestamps.addSerializer(Instant.class, new InstantSerializer());
    timestamps.addDeserializer(Instant.class, new InstantDeserializer());
    this.mapper =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(timestamps)
            .build();
    this.splicer = new JsonEnvelopeSplicer(mapper, PAYLOAD_TYPES);
  }

  /**
   * Creates a codec.
   *
   * @return a new, thread-safe codec
   */
  public static JsonMessageCodec create() {
    JacksonVersionCheck.require();
    return new JsonMessageCodec();
  }

  @Override
  public String encode(Message message) {
    try {
      return mapper.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode a " + message.type() + " message: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public Message decode(String text) {
    JsonNode root = parse(text);
    if (!root.isObject()) {
      throw formatError("Message must be a JSON object", "root is " + root.getNodeType(), null);
    }
    JsonNode type = root.get("type");
    if (type == null || type.isNull()) {
      if (root.hasNonNull("action")) {
        return read(root, SubscriptionAck.class);
      }
      throw formatError("Message must have a 'type'", "type: field required", null);
    }
    if (!type.isTextual()) {
      throw formatError("Message 'type' must be a string", "type: must be a string", null);
    }
    return switch (type.asText()) {
      case MessageTypes.PING -> ping(root);
      case MessageTypes.PONG -> Pong.INSTANCE;
      case MessageTypes.ERROR -> read(root, ErrorReply.class);
      case MessageTypes.RESYNC_ACK -> read(root, ResyncAck.class);
      default -> envelope(root, type.asText());
    };
  }

  @Override
  public String encodeClient(ClientMessage message) {
    Map<String, Object> wire = new LinkedHashMap<>(4);
    wire.put("type", message.type());
    if (message.data() != null) {
      wire.put("data", message.data());
    }
    try {
      return mapper.writeValueAsString(wire);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode a " + message.type() + " client message: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public ClientMessage decodeClient(String text) {
    JsonNode root = parse(text);
    if (!root.isObject()) {
      throw formatError("Message must be a JSON object", "root is " + root.getNodeType(), null);
    }
    JsonNode type = root.get("type");
    if (type == null || !type.isTextual()) {
      throw formatError("Message must have a string 'type'", "type: field required", null);
    }
    if (type.asText().isBlank() || type.asText().length() > MessageTypes.MAX_TYPE_LENGTH) {
      throw formatError(
          "Message 'type' must be 1 to " + MessageTypes.MAX_TYPE_LENGTH + " characters, not blank",
          "type: length " + type.asText().length(),
          null);
    }
    JsonNode data = root.get("data");
    if (data != null && !data.isNull() && !data.isObject()) {
      throw formatError(
          "Message 'data' must be an object or null", "data: must be an object", null);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields =
        data == null || data.isNull() ? null : mapper.convertValue(data, Map.class);
    return new ClientMessage(type.asText(), fields);
  }

  /**
   * {@inheritDoc}
   *
   * <p>This codec splices into text laid out as it writes envelopes: one object with {@code type},
   * {@code data} (an object or {@code null}) and optionally {@code timestamp}, in that order, no
   * duplicate key, finite numbers, the timestamp as this codec writes it, and typed data (an {@code
   * event}, a {@code system_status}, ...) that decoding accepts, written as this codec writes it.
   * The position is added before the closing brace, where encoding writes it.
   */
  @Override
  public SplicedEnvelope splice(String text, Long seq, String epoch, boolean replay) {
    return splicer.splice(text, seq, epoch, replay);
  }

  private JsonNode parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new MessageFormatException(
          ErrorCode.INVALID_JSON, "Invalid JSON: empty message", rawPreview(null), null);
    }
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException(
          ErrorCode.INVALID_JSON, "Invalid JSON: " + e.getOriginalMessage(), rawPreview(text), e);
    }
    requireFiniteNumbers(root);
    return root;
  }

  /**
   * Refuses numbers that a double cannot hold ({@code 1e400} reads as infinity): written back they
   * would be the string {@code "Infinity"}, not the number the sender wrote.
   */
  private static void requireFiniteNumbers(JsonNode root) {
    if (!root.isContainerNode()) {
      return;
    }
    Deque<JsonNode> pending = new ArrayDeque<>();
    pending.push(root);
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      if (node.isContainerNode()) {
        node.elements().forEachRemaining(pending::push);
      } else if (node.isDouble() || node.isFloat()) {
        if (!Double.isFinite(node.doubleValue())) {
          throw formatError(
              "Number out of range: at most about 1.8e308 in magnitude",
              "number out of range",
              null);
        }
      }
    }
  }

  private Envelope envelope(JsonNode root, String type) {
    try {
      Object data = data(type, root.get("data"));
      JsonNode timestamp = root.get("timestamp");
      JsonNode seq = root.get("seq");
      JsonNode epoch = root.get("epoch");
      return new Envelope(
          type,
          data,
          timestamp == null || timestamp.isNull()
              ? null
              : mapper.treeToValue(timestamp, Instant.class),
          seq == null || seq.isNull() ? null : seq.asLong(),
          epoch == null || epoch.isNull() ? null : epoch.asText(),
          root.path("replay").asBoolean(false));
    } catch (InvalidPayloadException e) {
      throw new MessageFormatException(
          ErrorCode.VALIDATION_ERROR, e.getMessage(), Map.of("field", e.field()), e);
    } catch (IllegalArgumentException | IOException e) {
      throw formatError("Invalid " + type + " message", describe(e), e);
    }
  }

  private Object data(String type, JsonNode data) throws IOException {
    if (data == null || data.isNull()) {
      return null;
    }
    Class<?> payloadType = data.isObject() ? PAYLOAD_TYPES.get(type) : null;
    Class<?> target = payloadType == null ? Object.class : payloadType;
    try {
      return mapper.treeToValue(data, target);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof InvalidPayloadException invalid) {
        throw invalid;
      }
      throw e;
    }
  }

  private <T extends Message> T read(JsonNode root, Class<T> messageType) {
    try {
      return mapper.treeToValue(root, messageType);
    } catch (IOException | IllegalArgumentException e) {
      throw formatError("Invalid " + messageType.getSimpleName() + " message", describe(e), e);
    }
  }

  /** A ping; a negative {@code lastSeq} is a format error, as any other bad field. */
  private static Ping ping(JsonNode root) {
    long lastSeq = root.path("lastSeq").asLong(0);
    if (lastSeq < 0) {
      throw formatError(
          "Ping 'lastSeq' must not be negative", "lastSeq: must be >= 0, got " + lastSeq, null);
    }
    return new Ping(lastSeq);
  }

  private static MessageFormatException formatError(
      String message, String detail, Throwable cause) {
    List<String> errors = new ArrayList<>(1);
    errors.add(detail);
    return new MessageFormatException(
        ErrorCode.INVALID_MESSAGE_FORMAT, message, Map.of("validation_errors", errors), cause);
  }

  private static String describe(Exception e) {
    if (e instanceof JsonProcessingException json) {
      return json.getOriginalMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  private static Map<String, Object> rawPreview(String text) {
    Map<String, Object> details = new HashMap<>(2);
    details.put(
        "raw_data_preview",
        text == null ? null : text.substring(0, Math.min(PREVIEW_CHARS, text.length())));
    return details;
  }

  private static final class InstantSerializer extends StdSerializer<Instant> {
    private static final long serialVersionUID = 1L;

    InstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(Timestamps.format(value));
    }
  }

  private static final class InstantDeserializer extends StdDeserializer<Instant> {
    private static final long serialVersionUID = 1L;

    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String text = parser.getValueAsString();
      if (text == null) {
        return (Instant) context.handleUnexpectedToken(Instant.class, parser);
      }
      try {
        return Timestamps.parse(text);
      } catch (DateTimeParseException e) {
        return (Instant)
            context.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 timestamp");
      }
    }
  }
}
