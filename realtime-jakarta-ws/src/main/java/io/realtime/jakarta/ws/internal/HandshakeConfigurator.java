package io.realtime.jakarta.ws.internal;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * The handshake of every endpoint: echoes an {@code api-key.<key>} subprotocol (browsers fail the
 * connection when the server does not echo the one they offered), checks the origin against the
 * allow-list, keeps {@code X-Forwarded-For} for the connection, and creates one endpoint per
 * connection.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

  /** The user property holding the handshake's {@code X-Forwarded-For} values. */
  static final String FORWARDED_FOR = "io.realtime.forwardedFor";

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
    return context.allowedOrigins().isEmpty()
        || (origin != null && context.allowedOrigins().contains(origin));
  }

  @Override
  public void modifyHandshake(
      ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
    Map<String, List<String>> headers = request.getHeaders();
    List<String> forwarded = null;
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if (header.getKey().equalsIgnoreCase("X-Forwarded-For")) {
        forwarded = header.getValue();
      }
    }
    config
        .getUserProperties()
        .put(FORWARDED_FOR, forwarded == null ? List.of() : List.copyOf(forwarded));
  }

  @Override
  public <T> T getEndpointInstance(Class<T> endpointClass) {
    return endpointClass.cast(new RealtimeEndpoint(context, kind));
  }
}
