package io.realtime.metrics.history;

import io.realtime.message.Envelope;
import io.realtime.message.ErrorCode;
import io.realtime.message.ErrorReply;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.PerformanceUpdate;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP handler of {@code GET /api/performance/history?range=5m|15m|60m}, free of any HTTP
 * framework: a host passes the raw {@code range} query value to {@link #handle(String)} and writes
 * the {@link Reply}'s status, content type and body. Mount it wherever the host serves HTTP (a
 * servlet, a Spring controller, Grizzly's {@code HttpHandler}); the standalone launcher serves it
 * at {@link #PATH}.
 *
 * <p>The body is JSON in the codec's own shapes. A view is an envelope of type {@value #TYPE} whose
 * data holds the range's label and its points, each a {@code performance_update}'s data exactly as
 * the live message carries it, oldest first, at most {@value HistoryRange#MAX_POINTS}:
 *
 * <pre>{@code
 * {"type":"performance_history","data":{"range":"5m","points":[{"timestamp":"…","gpu":{…},…},…]}}
 * }</pre>
 *
 * <p>A range other than {@code 5m}, {@code 15m} or {@code 60m} is a 400 with the codec's error
 * reply ({@code "error":"validation_error"}), whose message quotes at most {@value
 * #MAX_ECHOED_CHARS} characters of the value sent, control characters replaced. Thread-safe.
 */
public final class PerformanceHistoryEndpoint {

  /** Where the standalone launcher serves the history. */
  public static final String PATH = "/api/performance/history";

  /** The type of the envelope a view is sent in. */
  public static final String TYPE = "performance_history";

  /** The content type of every reply. */
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  /** The most characters of a bad {@code range} value an error message quotes. */
  public static final int MAX_ECHOED_CHARS = 16;

  private final PerformanceHistory history;
  private final MessageCodec codec;

  private PerformanceHistoryEndpoint(PerformanceHistory history, MessageCodec codec) {
    this.history = Objects.requireNonNull(history, "history");
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * Creates the handler of a history, writing with the JSON codec.
   *
   * @param history the history to serve, for example {@code SystemBroadcaster.performanceHistory()}
   * @return the handler
   */
  public static PerformanceHistoryEndpoint create(PerformanceHistory history) {
    return create(history, MessageCodec.json());
  }

  /**
   * Creates the handler of a history, writing with a codec.
   *
   * @param history the history to serve
   * @param codec the codec that writes the replies, for example the registry's
   * @return the handler
   */
  public static PerformanceHistoryEndpoint create(PerformanceHistory history, MessageCodec codec) {
    return new PerformanceHistoryEndpoint(history, codec);
  }

  /**
   * Answers a request.
   *
   * @param range the raw value of the {@code range} query parameter, or {@code null} when absent
   *     (the last 5 minutes)
   * @return 200 with the view, or 400 when the range is not {@code 5m}, {@code 15m} or {@code 60m}
   */
  public Reply handle(String range) {
    HistoryRange parsed;
    if (range == null) {
      parsed = HistoryRange.FIVE_MINUTES;
    } else {
      try {
        parsed = HistoryRange.parse(range);
      } catch (IllegalArgumentException e) {
        String message = "history range must be 5m, 15m or 60m, got '" + echo(range) + "'";
        return reply(400, codec.encode(ErrorReply.of(ErrorCode.VALIDATION_ERROR, message)));
      }
    }
    List<PerformanceUpdate> points = history.view(parsed);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("range", parsed.label());
    data.put("points", points);
    return reply(200, codec.encode(Envelope.of(TYPE, data)));
  }

  private static Reply reply(int status, String json) {
    return new Reply(status, CONTENT_TYPE, json.getBytes(StandardCharsets.UTF_8));
  }

  /** At most {@link #MAX_ECHOED_CHARS} characters, each control character a {@code ?}. */
  static String echo(String value) {
    StringBuilder echoed = new StringBuilder();
    int end = Math.min(value.length(), MAX_ECHOED_CHARS);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      echoed.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
    }
    if (value.length() > MAX_ECHOED_CHARS) {
      echoed.append('…');
    }
    return echoed.toString();
  }

  /**
   * A reply: what the host writes back. Immutable: {@link #body()} returns a copy.
   *
   * @param status the HTTP status
   * @param contentType the content type, {@value PerformanceHistoryEndpoint#CONTENT_TYPE}
   * @param body the JSON body, UTF-8
   */
  public record Reply(int status, String contentType, byte[] body) {
    /**
     * Copies the body.
     *
     * @param status the HTTP status
     * @param contentType the content type
     * @param body the body
     */
    public Reply {
      Objects.requireNonNull(contentType, "contentType");
      body = body.clone();
    }

    /**
     * Returns the body.
     *
     * @return a copy of the body
     */
    @Override
    public byte[] body() {
      return body.clone();
    }

    /**
     * Returns the body as text.
     *
     * @return the body, decoded as UTF-8
     */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Reply that
          && status == that.status
          && contentType.equals(that.contentType)
          && Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * status + contentType.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
      return "Reply[status="
          + status
          + ", contentType="
          + contentType
          + ", "
          + body.length
          + " bytes]";
    }
  }
}
