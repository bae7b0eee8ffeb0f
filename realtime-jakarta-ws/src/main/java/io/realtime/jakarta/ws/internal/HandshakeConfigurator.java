package io.realtime.jakarta.ws.internal;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * The handshake of every endpoint: echoes an {@code api-key.<key>} subprotocol (browsers fail the
 * connection when the server does not echo the one they offered), judges the origin by the {@link
 * OriginPolicy}, keeps {@code X-Forwarded-For} for the connection, and creates one endpoint per
 * connection. The origin is judged with the {@code Host} header, which {@link #checkOrigin} does
 * not see, so the verdict travels to the endpoint, which closes a refused connection with 1008
 * before it registers or receives anything.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

  /** The user property holding the handshake's {@code X-Forwarded-For} values. */
  static final String FORWARDED_FOR = "io.realtime.forwardedFor";

  /** The user property that is {@code true} when the handshake's origin is not accepted. */
  static final String ORIGIN_REFUSED = "io.realtime.originRefused";

  /** The subprotocol prefix that carries an API key. */
  static final String API_KEY_PROTOCOL = "api-key.";

  private final EndpointContext context;
  private final EndpointKind kind;

  /**
   * Creates the configurator of one endpoint.
   *
   * @param context the shared context
   * @param kind the endpoint
   */
  public HandshakeConfigurator(EndpointContext context, EndpointKind kind) {
    this.context = context;
    this.kind = kind;
  }

  @Override
  public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
    for (String offered : requested) {
      String trimmed = offered.trim();
      if (trimmed.startsWith(API_KEY_PROTOCOL) && trimmed.length() > API_KEY_PROTOCOL.length()) {
        return trimmed;
      }
    }
    for (String offered : requested) {
      if (supported.contains(offered.trim())) {
        return offered.trim();
      }
    }
    return "";
  }

  @Override
  public boolean checkOrigin(String origin) {
    // Decided in modifyHandshake, where the Host header is known.
    return true;
  }

  @Override
  public void modifyHandshake(
      ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
    Map<String, List<String>> headers = request.getHeaders();
    List<String> forwarded = header(headers, "X-Forwarded-For");
    List<String> origin = header(headers, "Origin");
    List<String> host = header(headers, "Host");
    boolean accepted =
        context
            .origins()
            .accepts(
                origin == null || origin.isEmpty() ? null : origin.get(0),
                host == null || host.isEmpty() ? null : host.get(0));
    config.getUserProperties().put(ORIGIN_REFUSED, !accepted);
    config
        .getUserProperties()
        .put(FORWARDED_FOR, forwarded == null ? List.of() : List.copyOf(forwarded));
  }

  private static List<String> header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        return header.getValue();
      }
    }
    return null;
  }

  @Override
  public <T> T getEndpointInstance(Class<T> endpointClass) {
    return endpointClass.cast(new RealtimeEndpoint(context, kind));
  }
}
