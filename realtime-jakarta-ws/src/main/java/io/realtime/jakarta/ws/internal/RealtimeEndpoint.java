package io.realtime.jakarta.ws.internal;

import io.realtime.connection.RegisteredConnection;
import io.realtime.jobs.JobIds;
import io.realtime.jobs.JobLogTail;
import io.realtime.observe.RefusalReason;
import io.realtime.protocol.ClientProtocol;
import io.realtime.protocol.ProtocolSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of one endpoint: admission, registration, the protocol, and what the endpoint
 * sends on connect. Admission checks, in order, the origin, the API key and token, the job id
 * (refused with 1008 and a reason that names no secret: the client should not retry), then the rate
 * limit and the caps on concurrent connections (refused with 1013: the client may retry later).
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class RealtimeEndpoint extends Endpoint {

  private static final Logger log = LoggerFactory.getLogger(RealtimeEndpoint.class);

  private final EndpointContext context;
  private final EndpointKind kind;
  private RegisteredConnection registered;
  private ProtocolSession protocol;
  private JobLogTail tail;
  private String capsHeldFor;

  RealtimeEndpoint(EndpointContext context, EndpointKind kind) {
    this.context = context;
    this.kind = kind;
  }

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    // Before anything else, so that no message, not even to a refused session, is read past them.
    context.messageLimits().applyTo(session);
    Map<String, Object> handshake = config.getUserProperties();
    @SuppressWarnings("unchecked")
    List<String> forwarded =
        (List<String>) handshake.getOrDefault(HandshakeConfigurator.FORWARDED_FOR, List.of());
    String client = ClientAddress.resolve(session, forwarded, context.trustedProxies());
    if (Boolean.TRUE.equals(handshake.get(HandshakeConfigurator.ORIGIN_REFUSED))) {
      log.info("Refused a connection to {} from {}: origin not allowed", kind, client);
      context.observer().connectionRefused(RefusalReason.ORIGIN);
      refuse(session, "Origin not allowed");
      return;
    }
    String refusal = authenticate(session);
    if (refusal != null) {
      log.info("Refused a connection to {} from {}: {}", kind, client, refusal);
      context.observer().connectionRefused(RefusalReason.AUTH);
      refuse(session, refusal);
      return;
    }
    String jobId = session.getPathParameters().get("job_id");
    if (kind == EndpointKind.JOB_LOGS && !JobIds.isValid(jobId)) {
      refuse(session, "Invalid job id");
      return;
    }
    // Load refusals come after authentication, so failed logins use up nobody's budget, and close
    // with 1013: the client may try again later, unlike after a 1008.
    String limitKey = ClientAddress.limitKey(client);
    if (!context.rateLimiter().tryAcquire(limitKey)) {
      log.info("Refused a connection to {} from {}: rate limit", kind, client);
      context.observer().connectionRefused(RefusalReason.RATE_LIMIT);
      tryAgainLater(session, "Too many connections");
      return;
    }
    String full = context.caps().tryAcquire(limitKey);
    if (full != null) {
      log.info("Refused a connection to {} from {}: {}", kind, client, full);
      context.observer().connectionRefused(RefusalReason.CAP);
      tryAgainLater(session, full);
      return;
    }
    capsHeldFor = limitKey;
    String id = kind.idPrefix() + (jobId == null ? "" : shortId(jobId) + "-") + randomHex();
    try {
      registered = context.registry().register(channel(jobId), new SessionConnection(id, session));
    } catch (IllegalStateException shuttingDown) {
      releaseCaps();
      close(session, new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down"));
      return;
    }
    registered.connection().attributes().put("client", client);
    ClientProtocol clientProtocol =
        kind == EndpointKind.EVENTS ? context.eventsProtocol() : context.plainProtocol();
    protocol = clientProtocol.open(registered);
    ProtocolSession current = protocol;
    if (TextAssembler.neededFor(session)) {
      // Tomcat keeps its text buffer for the connection's life: a chunk, not the whole limit.
      session.setMaxTextMessageBufferSize(TextAssembler.TOMCAT_CHUNK_CHARS);
      session.addMessageHandler(
          String.class,
          new TextAssembler(session, context.messageLimits().textChars(), current::onText));
    } else {
      session.addMessageHandler(String.class, current::onText);
    }
    session.addMessageHandler(ByteBuffer.class, data -> current.onBinary());
    switch (kind) {
      case SYSTEM -> context.system().onConnect(registered);
      case EVENTS -> context.events().degradedNotice().ifPresent(registered::send);
      case JOB_LOGS ->
          tail =
              context.jobLogEmitter() != null
                  ? JobLogTail.attach(context.jobLogEmitter(), jobId, registered)
                  : JobLogTail.attach(
                      context.jobLogs(),
                      jobId,
                      registered,
                      context.registry().codec(),
                      context.jobLogBacklogExecutor());
      default -> throw new IllegalStateException(kind.name());
    }
  }

  private String channel(String jobId) {
    return switch (kind) {
      case EVENTS -> context.events().clientChannel();
      case SYSTEM -> context.system().clientChannel();
      case JOB_LOGS -> "job:" + jobId;
    };
  }

  /** Returns why the client is refused, or {@code null}; never a secret. */
  private String authenticate(Session session) {
    Credentials credentials = context.credentials();
    if (credentials.apiKeyRequired()) {
      String key = parameter(session, "api_key");
      String protocolOffered = session.getNegotiatedSubprotocol();
      if (key == null
          && protocolOffered != null
          && protocolOffered.startsWith(HandshakeConfigurator.API_KEY_PROTOCOL)) {
        key = protocolOffered.substring(HandshakeConfigurator.API_KEY_PROTOCOL.length());
      }
      if (!credentials.acceptsApiKey(key)) {
        return key == null ? "API key required" : "Invalid API key";
      }
    }
    if (credentials.tokenRequired()) {
      String token = parameter(session, "token");
      if (token == null) {
        return "Authentication token required";
      }
      if (!credentials.acceptsToken(token)) {
        return "Invalid authentication token";
      }
    }
    return null;
  }

  private static String parameter(Session session, String name) {
    Map<String, List<String>> parameters = session.getRequestParameterMap();
    List<String> values = parameters == null ? null : parameters.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static void refuse(Session session, String reason) {
    close(session, new CloseReason(CloseCodes.VIOLATED_POLICY, reason));
  }

  private static void tryAgainLater(Session session, String reason) {
    close(session, new CloseReason(CloseCodes.TRY_AGAIN_LATER, reason));
  }

  private static void close(Session session, CloseReason reason) {
    try {
      session.close(reason);
    } catch (IOException e) {
      log.debug("Closing a refused session failed", e);
    }
  }

  private static String shortId(String jobId) {
    return jobId.length() <= 8 ? jobId : jobId.substring(0, 8);
  }

  private static String randomHex() {
    return String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  @Override
  public void onClose(Session session, CloseReason closeReason) {
    cleanup();
  }

  @Override
  public void onError(Session session, Throwable error) {
    log.debug(
        "Connection {} failed", registered == null ? "(not registered)" : registered.id(), error);
  }

  private synchronized void releaseCaps() {
    if (capsHeldFor != null) {
      context.caps().release(capsHeldFor);
      capsHeldFor = null;
    }
  }

  private void cleanup() {
    releaseCaps();
    if (tail != null) {
      tail.close();
    }
    if (protocol != null) {
      protocol.close();
    }
    if (registered != null) {
      context.registry().unregister(registered.id());
    }
  }
}
