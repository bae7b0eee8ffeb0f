package io.realtime.metrics.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.realtime.internal.util.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends one GET with a timeout and classifies what happened, so that sources map outcomes to
 * statuses instead of catching exceptions. Safe to share between sources and threads.
 */
public final class HttpProbe {

  /** How a probe ended. */
  public enum Outcome {
    /** The server answered, with any status code. */
    RESPONDED,
    /** The connection could not be made. */
    CONNECT_FAILED,
    /** The server did not answer within the timeout. */
    TIMED_OUT,
    /** Any other failure, for example a reset connection. */
    FAILED
  }

  /**
   * The result of a probe.
   *
   * @param outcome how it ended
   * @param statusCode the HTTP status, or 0 without a response
   * @param body the response body, or an empty string
   */
  public record Result(Outcome outcome, int statusCode, String body) {

    /**
     * Tells whether the server answered 200.
     *
     * @return {@code true} for a 200 response
     */
    public boolean isOk() {
      return outcome == Outcome.RESPONDED && statusCode == 200;
    }

    /**
     * Returns the body as JSON.
     *
     * @return the JSON tree, or a missing node when the body is not JSON
     */
    public JsonNode json() {
      try {
        JsonNode node = JSON.readTree(body);
        return node == null ? MissingNode.getInstance() : node;
      } catch (IOException notJson) {
        return MissingNode.getInstance();
      }
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final Duration timeout;

  /**
   * Creates a probe on its own client.
   *
   * @param timeout the most time one request may take, connecting included; positive
   */
  public HttpProbe(Duration timeout) {
    this(
        HttpClient.newBuilder()
            .connectTimeout(Durations.requirePositive("timeout", timeout))
            .build(),
        timeout);
  }

  /**
   * Creates a probe on a client the host owns.
   *
   * @param client the client
   * @param timeout the most time one request may take; positive
   */
  public HttpProbe(HttpClient client, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Durations.requirePositive("timeout", timeout);
  }

  /**
   * Returns the timeout of one request.
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Sends a GET.
   *
   * @param uri where to
   * @return what happened
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public Result get(URI uri) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Result(Outcome.RESPONDED, response.statusCode(), response.body());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      return new Result(Outcome.CONNECT_FAILED, 0, "");
    } catch (HttpTimeoutException e) {
      return new Result(Outcome.TIMED_OUT, 0, "");
    } catch (IOException e) {
      return new Result(
          e.getCause() instanceof ConnectException ? Outcome.CONNECT_FAILED : Outcome.FAILED,
          0,
          "");
    }
  }

  /**
   * Appends a path to a base URL, with exactly one slash between them.
   *
   * @param base the base URL, with or without a trailing slash
   * @param path the path, without a leading slash
   * @return the combined URL
   */
  public static URI resolve(URI base, String path) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }
}
