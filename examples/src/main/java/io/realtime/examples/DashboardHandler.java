package io.realtime.examples;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.examples.DashboardAssets.Asset;
import io.realtime.message.MessageCodec;
import io.realtime.metrics.history.PerformanceHistory;
import io.realtime.metrics.history.PerformanceHistoryEndpoint;
import io.realtime.time.TimeSource;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * Serves the dashboard from memory at its fixed paths, and the {@linkplain Probe probes} ({@code
 * /health}, {@code /metrics}, {@code /api/performance/history}) computed per request, {@code GET}
 * and {@code HEAD} only, with the security headers on every response, errors included. The request
 * path is judged as sent, never decoded: anything but plain {@code /name/name.ext} segments is a
 * 400 and an unknown path a 404, both short plain text with no stack trace.
 */
final class DashboardHandler extends HttpHandler {

  /**
   * The dashboard's policy: its own scripts, styles, images and WebSocket ({@code 'self'} covers
   * {@code ws:}/{@code wss:} to the same host), the {@code data:} favicon, nothing inline, no
   * plugins, no framing.
   */
  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          "connect-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'none'");

  /** The headers every response carries. */
  static final Map<String, String> SECURITY_HEADERS =
      Map.of(
          "Content-Security-Policy", CONTENT_SECURITY_POLICY,
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer",
          "X-Frame-Options", "DENY");

  /** Longer request paths are refused: the longest asset path is a few dozen characters. */
  static final int MAX_PATH_LENGTH = 256;

  private static final String PLAIN_TEXT = "text/plain; charset=utf-8";

  private final DashboardAssets assets;
  private final Map<String, Probe> probes;

  /** A response computed per request, such as {@code /health}. */
  @FunctionalInterface
  interface Probe {
    /**
     * Computes the response.
     *
     * @return the status, content type and body
     */
    Reply get();

    /**
     * Computes the response of a request; a probe that reads no query parameter ignores them.
     *
     * @param query the request's query parameters
     * @return the status, content type and body
     */
    default Reply get(Query query) {
      return get();
    }

    /**
     * Makes a probe that reads the request's query parameters.
     *
     * @param answer computes the response from the query parameters
     * @return the probe; without a request, it sees no parameter
     */
    static Probe withQuery(Function<Query, Reply> answer) {
      return new Probe() {
        @Override
        public Reply get() {
          return answer.apply(name -> null);
        }

        @Override
        public Reply get(Query query) {
          return answer.apply(query);
        }
      };
    }
  }

  /**
   * A request's query parameters and headers. The parameters are read from the raw query string by
   * {@link #parameterOf}, never by Grizzly's parser (which logs a malformed query at INFO, quoting
   * it, on every request).
   */
  @FunctionalInterface
  interface Query {
    /**
     * Returns a parameter's first value, as sent (not percent-decoded).
     *
     * @param name the parameter
     * @return its first value, or {@code null} when the request has none
     */
    String parameter(String name);

    /**
     * Returns a request header.
     *
     * @param name the header
     * @return its value, or {@code null} when the request has none
     */
    default String header(String name) {
      return null;
    }

    /**
     * Returns the address the request came from: the socket's peer.
     *
     * @return the address, or {@code "unknown"}
     */
    default String remoteAddress() {
      return "unknown";
    }
  }

  /** Tells whether an API key and a token, either possibly {@code null}, are accepted. */
  @FunctionalInterface
  interface Credentials {
    /**
     * Tells whether these credentials are accepted, in constant time.
     *
     * @param apiKey the API key sent, or {@code null}
     * @param token the token sent, or {@code null}
     * @return whether the request may be answered
     */
    boolean accepts(String apiKey, String token);
  }

  /**
   * The first value of {@code name} in a raw query string, as sent: the name is matched exactly,
   * nothing is decoded.
   *
   * @param query the raw query string, or {@code null}
   * @param name the parameter
   * @return the value, {@code ""} for a bare name, or {@code null} when absent
   */
  static String parameterOf(String query, String name) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&", -1)) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      if (key.equals(name)) {
        return equals < 0 ? "" : pair.substring(equals + 1);
      }
    }
    return null;
  }

  /** Percent-decodes a parameter's value ({@code +} a space); {@code null} when malformed. */
  private static String decoded(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The {@code X-API-Key} header, else the {@code api_key} parameter. */
  private static String apiKey(Query query) {
    String header = query.header("X-API-Key");
    return header != null ? header : decoded(query.parameter("api_key"));
  }

  /** The {@code Authorization: Bearer} token, else the {@code token} parameter. */
  private static String token(Query query) {
    String authorization = query.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return authorization.substring(BEARER.length()).trim();
    }
    return decoded(query.parameter("token"));
  }

  private static final String BEARER = "Bearer ";

  /** History requests per minute and address, plus a burst: the dashboard asks 4 a minute. */
  static final int HISTORY_REQUESTS_PER_MINUTE = 120;

  private static final int HISTORY_BURST = 20;

  private static final byte[] TOO_MANY =
      ("429 Too Many Requests: at most "
              + HISTORY_REQUESTS_PER_MINUTE
              + " history requests a minute from one address\n")
          .getBytes(StandardCharsets.UTF_8);

  /** The body of a refused history request: never what was sent. */
  private static final byte[] UNAUTHORIZED =
      "401 Unauthorized: send api_key/token or X-API-Key/Authorization: Bearer\n"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * The probe of {@link PerformanceHistoryEndpoint#PATH}: the history's view of the {@code range}
   * the request names (5 minutes without one), in the codec's shapes, to a request whose
   * credentials (the {@code api_key} and {@code token} parameters, or the {@code X-API-Key} and
   * {@code Authorization: Bearer} headers) are accepted; any other request is a plain 401. Each
   * address may ask {@value #HISTORY_REQUESTS_PER_MINUTE} times a minute (plus a burst), counted
   * before the credentials are checked, so guessing a key here is no cheaper than on the
   * WebSockets; past that, a plain 429.
   *
   * @param history the history, {@code SystemBroadcaster.performanceHistory()}
   * @param codec the codec, the registry's
   * @param credentials the check of the WebSocket endpoints, {@code websocket::acceptsCredentials}
   * @return the probe
   */
  static Probe history(PerformanceHistory history, MessageCodec codec, Credentials credentials) {
    PerformanceHistoryEndpoint endpoint = PerformanceHistoryEndpoint.create(history, codec);
    SlidingWindowRateLimiter perAddress =
        new SlidingWindowRateLimiter(
            HISTORY_REQUESTS_PER_MINUTE, HISTORY_BURST, Duration.ofMinutes(1), TimeSource.system());
    return Probe.withQuery(
        query -> {
          if (!perAddress.tryAcquire(query.remoteAddress())) {
            return new Reply(429, PLAIN_TEXT, TOO_MANY);
          }
          if (!credentials.accepts(apiKey(query), token(query))) {
            return new Reply(401, PLAIN_TEXT, UNAUTHORIZED);
          }
          PerformanceHistoryEndpoint.Reply reply = endpoint.handle(query.parameter("range"));
          return new Reply(reply.status(), reply.contentType(), reply.body());
        });
  }

  /**
   * A computed response.
   *
   * @param status the HTTP status
   * @param contentType the content type
   * @param body the body
   */
  record Reply(int status, String contentType, byte[] body) {}

  DashboardHandler(DashboardAssets assets) {
    this(assets, Map.of());
  }

  DashboardHandler(DashboardAssets assets, Map<String, Probe> probes) {
    super("dashboard");
    this.assets = assets;
    this.probes = Map.copyOf(probes);
  }

  @Override
  public void service(Request request, Response response) throws IOException {
    addSecurityHeaders(response);
    Method method = request.getMethod();
    if (!Method.GET.equals(method) && !Method.HEAD.equals(method)) {
      response.setHeader("Allow", "GET, HEAD");
      error(response, 405, "Method Not Allowed");
      return;
    }
    String path = request.getRequestURI();
    if (!isPlainPath(path)) {
      error(response, 400, "Bad Request");
      return;
    }
    Probe probe = probes.get(path);
    if (probe != null) {
      String rawQuery = request.getQueryString();
      Reply reply =
          probe.get(
              new Query() {
                @Override
                public String parameter(String name) {
                  return parameterOf(rawQuery, name);
                }

                @Override
                public String header(String name) {
                  return request.getHeader(name);
                }

                @Override
                public String remoteAddress() {
                  return request.getRemoteAddr();
                }
              });
      response.setHeader("Cache-Control", "no-store");
      if (reply.status() == 401) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"realtime\"");
      }
      write(response, method, reply.status(), reply.contentType(), reply.body());
      return;
    }
    Optional<Asset> asset = assets.find(path);
    if (asset.isEmpty()) {
      error(response, 404, "Not Found");
      return;
    }
    response.setHeader("Cache-Control", "no-cache");
    write(response, method, 200, asset.get().contentType(), asset.get().content());
  }

  private static void write(
      Response response, Method method, int status, String contentType, byte[] body)
      throws IOException {
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(body.length);
    if (Method.GET.equals(method)) {
      response.getOutputStream().write(body);
    }
  }

  /**
   * Tells whether a raw request path is {@code /} followed by segments of letters, digits, {@code
   * -}, {@code _} and single dots: no percent-encoding, no {@code ..}, no empty segment, no control
   * or other characters, at most {@link #MAX_PATH_LENGTH} characters.
   */
  static boolean isPlainPath(String path) {
    if (path == null
        || path.isEmpty()
        || path.length() > MAX_PATH_LENGTH
        || path.charAt(0) != '/'
        || path.contains("..")
        || path.contains("//")) {
      return false;
    }
    for (int i = 1; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '/'
              || c == '.'
              || c == '-'
              || c == '_';
      if (!plain) {
        return false;
      }
    }
    return true;
  }

  static void addSecurityHeaders(Response response) {
    SECURITY_HEADERS.forEach(response::setHeader);
  }

  private static void error(Response response, int status, String reason) throws IOException {
    byte[] body = (status + " " + reason + "\n").getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType(PLAIN_TEXT);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /**
   * The error page of whatever Grizzly itself refuses before or around this handler: the status and
   * its reason only, with the security headers, never the exception Grizzly's default page prints.
   */
  static final class PlainErrorPage implements ErrorPageGenerator {
    @Override
    public String generate(
        Request request, int status, String reasonPhrase, String description, Throwable exception) {
      Response response = request.getResponse();
      if (response != null && !response.isCommitted()) {
        addSecurityHeaders(response);
        response.setHeader("Cache-Control", "no-store");
      }
      return status + " " + reasonPhrase + "\n";
    }
  }
}
