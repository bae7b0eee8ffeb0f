package io.realtime.examples.springboot;

import io.realtime.jakarta.ws.RealtimeWebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code realtime.*} settings of {@code application.properties}. {@link #toString()} never
 * shows the API keys, the token or a password in the Redis URI.
 *
 * @param redis {@code realtime.redis.*}: the Redis backbone; without {@code realtime.redis.uri} the
 *     transport is in memory (one instance)
 * @param apiKeys {@code realtime.api-keys}: keys clients authenticate with ({@code ?api_key=} or
 *     the {@code api-key.<key>} subprotocol); none means no authentication
 * @param token {@code realtime.token}: a shared token clients may give as {@code ?token=}, or
 *     {@code null}
 * @param allowedOrigins {@code realtime.allowed-origins}: browser origins allowed besides the
 *     server's own
 * @param trustedProxies {@code realtime.trusted-proxies}: proxies whose {@code X-Forwarded-For} is
 *     believed
 * @param maxConnections {@code realtime.max-connections}: the cap on connections, all endpoints
 * @param maxConnectionsPerAddress {@code realtime.max-connections-per-address}: the cap per client
 *     address
 * @param statusInterval {@code realtime.status-interval}: how often {@code system_status} is sent
 * @param shutdownTimeout {@code realtime.shutdown-timeout}: the most time clients get to receive
 *     {@code system.shutdown} before they are closed
 */
@ConfigurationProperties("realtime")
public record RealtimeProperties(
    @DefaultValue Redis redis,
    @DefaultValue List<String> apiKeys,
    String token,
    @DefaultValue List<String> allowedOrigins,
    @DefaultValue List<String> trustedProxies,
    @DefaultValue("" + RealtimeWebSocket.DEFAULT_MAX_CONNECTIONS) int maxConnections,
    @DefaultValue("" + RealtimeWebSocket.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)
        int maxConnectionsPerAddress,
    @DefaultValue("5s") Duration statusInterval,
    @DefaultValue("4s") Duration shutdownTimeout) {

  /**
   * The {@code realtime.redis.*} settings.
   *
   * @param uri {@code realtime.redis.uri}, for example {@code redis://127.0.0.1:6379}, {@code
   *     rediss://} for TLS, with {@code user:password@} and {@code /db} (see {@code
   *     docs/configuration.md}); {@code null} or blank for the in-memory transport
   */
  public record Redis(String uri) {

    /**
     * Tells whether a Redis URI is set.
     *
     * @return {@code true} for the Redis transport
     */
    public boolean enabled() {
      return uri != null && !uri.isBlank();
    }

    /** Shows the URI without its user and password. */
    @Override
    public String toString() {
      if (!enabled()) {
        return "in-memory";
      }
      try {
        URI parsed = URI.create(uri.strip());
        return parsed.getUserInfo() == null
            ? parsed.toString()
            : parsed.getScheme()
                + "://***@"
                + parsed.getRawAuthority().replaceFirst(".*@", "")
                + parsed.getRawPath();
      } catch (IllegalArgumentException e) {
        return "(an unparsable URI)";
      }
    }
  }

  /** Shows the settings with the number of API keys, not the keys, and no token. */
  @Override
  public String toString() {
    return String.format(
        "realtime[transport=%s, apiKeys=%d, token=%s, allowedOrigins=%s, trustedProxies=%s,"
            + " maxConnections=%d, maxConnectionsPerAddress=%d, statusInterval=%s,"
            + " shutdownTimeout=%s]",
        redis,
        apiKeys.size(),
        token == null ? "none" : "set",
        allowedOrigins,
        trustedProxies,
        maxConnections,
        maxConnectionsPerAddress,
        statusInterval,
        shutdownTimeout);
  }
}
