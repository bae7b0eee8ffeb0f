package io.realtime.jakarta.ws;

import io.realtime.admission.ConnectionRateLimiter;
import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.internal.util.Durations;
import io.realtime.internal.util.OwnedScheduler;
import io.realtime.jakarta.ws.internal.ConnectionCaps;
import io.realtime.jakarta.ws.internal.Credentials;
import io.realtime.jakarta.ws.internal.EndpointContext;
import io.realtime.jakarta.ws.internal.EndpointKind;
import io.realtime.jakarta.ws.internal.HandshakeConfigurator;
import io.realtime.jakarta.ws.internal.OriginPolicy;
import io.realtime.jakarta.ws.internal.RealtimeEndpoint;
import io.realtime.jakarta.ws.internal.TrustedProxies;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.observe.RealtimeObserver;
import io.realtime.protocol.ClientProtocol;
import io.realtime.protocol.ResyncLimit;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import jakarta.websocket.server.ServerEndpointConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The WebSocket endpoints, {@code /ws/events}, {@code /ws/system} and {@code
 * /ws/jobs/{job_id}/logs}, as {@link ServerEndpointConfig}s that a host adds to its container
 * (Tomcat, Jetty, Tyrus...) without annotation scanning:
 *
 * <pre>{@code
 * RealtimeWebSocket websocket =
 *     RealtimeWebSocket.builder(registry).events(events).system(system).jobLogs(transport).build();
 * for (ServerEndpointConfig config : websocket.endpointConfigs()) {
 *   serverContainer.addEndpoint(config);
 * }
 * }</pre>
 *
 * <p>Clients authenticate with {@code ?api_key=}, the {@code Sec-WebSocket-Protocol: api-key.<key>}
 * subprotocol (echoed back) or {@code ?token=}; secrets are kept as SHA-256 digests and compared in
 * constant time. Browsers may connect only from the server's own origin unless others are allowed
 * ({@link Builder#allowedOrigins}); clients without an {@code Origin} header are not browsers and
 * are accepted. A client refused for its origin or credentials is closed with 1008 and should not
 * retry. Connections are rate-limited per client IP ({@code X-Forwarded-For} is believed only from
 * trusted proxies, read from the right) and capped in all and per IP; a client refused for load is
 * closed with 1013 and may retry later. A message over {@link #messageLimits()} is refused by the
 * container with 1009 before more than the limit is buffered (on Tyrus, with {@link
 * io.realtime.jakarta.ws.tyrus.TyrusFrameGuard}).
 */
public final class RealtimeWebSocket implements AutoCloseable {

  /** The default cap on concurrent connections, all endpoints together. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  /** The default cap on concurrent connections from one client address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;

  private static final int RESYNC_THREADS = 2;
  private static final AtomicInteger RESYNC_THREAD_IDS = new AtomicInteger();

  private final List<ServerEndpointConfig> configs;
  private final MessageLimits messageLimits;
  private final Credentials credentials;
  private final OwnedScheduler<TaskScheduler> scheduler;
  private final Executor resyncExecutor;
  private final ExecutorService ownedResyncExecutor;

  private RealtimeWebSocket(Builder builder) {
    ClientProtocol given = builder.protocol;
    if (given != null) {
      if (!builder.protocolOptions.isEmpty()) {
        throw new IllegalArgumentException(
            "set "
                + String.join(", ", builder.protocolOptions)
                + " on the ClientProtocol given to protocol(...), not on RealtimeWebSocket.Builder");
      }
    }
    this.messageLimits =
        MessageLimits.forMaxMessageChars(
            given != null ? given.maxMessageChars() : builder.maxMessageChars);
    this.scheduler =
        new OwnedScheduler<>(builder.scheduler, "realtime-websocket", TaskScheduler::of);
    if (builder.resyncExecutor != null) {
      this.resyncExecutor = builder.resyncExecutor;
      this.ownedResyncExecutor = null;
    } else {
      this.ownedResyncExecutor =
          Executors.newFixedThreadPool(
              RESYNC_THREADS,
              task -> {
                Thread thread =
                    new Thread(task, "realtime-resync-" + RESYNC_THREAD_IDS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      this.resyncExecutor = ownedResyncExecutor;
    }
    ClientProtocol.Builder eventsProtocol =
        given != null ? given.toBuilder().codec(builder.registry.codec()) : protocol(builder);
    if (builder.events != null) {
      eventsProtocol.resyncSource(builder.events);
    }
    ClientProtocol systemProtocol =
        given != null
            ? given.toBuilder().codec(builder.registry.codec()).build()
            : protocol(builder).build();
    this.credentials = new Credentials(builder.apiKeys, builder.token);
    EndpointContext context =
        new EndpointContext(
            builder.registry,
            builder.events,
            builder.system,
            builder.jobLogs,
            builder.jobLogEmitter,
            resyncExecutor,
            eventsProtocol.build(),
            systemProtocol,
            credentials,
            builder.rateLimiter != null
                ? builder.rateLimiter
                : SlidingWindowRateLimiter.defaults(builder.timeSource),
            TrustedProxies.of(builder.trustedProxies),
            new OriginPolicy(builder.allowedOrigins),
            new ConnectionCaps(builder.maxConnections, builder.maxConnectionsPerAddress),
            messageLimits,
            RealtimeObserver.guarded(builder.observer));
    List<ServerEndpointConfig> endpoints = new ArrayList<>(3);
    if (builder.events != null) {
      endpoints.add(config(context, EndpointKind.EVENTS, builder.eventsPath));
    }
    if (builder.system != null) {
      endpoints.add(config(context, EndpointKind.SYSTEM, builder.systemPath));
    }
    if (builder.jobLogs != null || builder.jobLogEmitter != null) {
      endpoints.add(config(context, EndpointKind.JOB_LOGS, builder.jobLogsPath));
    }
    this.configs = List.copyOf(endpoints);
  }

  private ClientProtocol.Builder protocol(Builder builder) {
    return ClientProtocol.builder(scheduler.scheduler())
        .timeSource(builder.timeSource)
        .codec(builder.registry.codec())
        .idleTimeout(builder.idleTimeout)
        .pingInterval(builder.pingInterval)
        .maxMessageChars(builder.maxMessageChars)
        .resyncLimit(builder.resyncLimit)
        .resyncExecutor(resyncExecutor);
  }

  private static ServerEndpointConfig config(
      EndpointContext context, EndpointKind kind, String path) {
    return ServerEndpointConfig.Builder.create(RealtimeEndpoint.class, path)
        .configurator(new HandshakeConfigurator(context, kind))
        .build();
  }

  /**
   * Returns a builder.
   *
   * @param registry the local connections
   * @return the builder
   */
  public static Builder builder(ConnectionRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Returns the endpoint configurations to add to the container.
   *
   * @return one per configured endpoint
   */
  public List<ServerEndpointConfig> endpointConfigs() {
    return configs;
  }

  /**
   * Returns the message limits every session of these endpoints gets: the protocol's {@link
   * Builder#maxMessageChars} plus slack. Hosts configure their container with them, so that a
   * message over the limit is refused early with 1009 rather than buffered: on Tyrus (Grizzly),
   * with {@link io.realtime.jakarta.ws.tyrus.TyrusFrameGuard#install}; see {@code
   * docs/operations.md}, <i>Message size per container</i>.
   *
   * @return the limits
   */
  public MessageLimits messageLimits() {
    return messageLimits;
  }

  /**
   * Tells whether credentials pass the endpoints' own check, for a host's HTTP resources served
   * next to them (the standalone launcher's history): the API key must be one of the configured
   * keys when keys are required, and the token the configured one when a token is required. Both
   * are compared as SHA-256 digests, in constant time; nothing is logged.
   *
   * @param apiKey the presented API key, or {@code null}
   * @param token the presented token, or {@code null}
   * @return {@code true} if the endpoints would admit a client presenting them
   */
  public boolean acceptsCredentials(String apiKey, String token) {
    return (!credentials.apiKeyRequired() || credentials.acceptsApiKey(apiKey))
        && (!credentials.tokenRequired() || credentials.acceptsToken(token));
  }

  /**
   * Stops the heartbeat and idle timers' thread and the resync threads if this object owns them.
   */
  @Override
  public void close() {
    scheduler.close();
    if (ownedResyncExecutor != null) {
      ownedResyncExecutor.shutdownNow();
    }
  }

  /** Builds {@link RealtimeWebSocket}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final ConnectionRegistry registry;
    private EventBroadcaster events;
    private SystemBroadcaster system;
    private Transport jobLogs;
    private JobLogEmitter jobLogEmitter;
    private String eventsPath = "/ws/events";
    private String systemPath = "/ws/system";
    private String jobLogsPath = "/ws/jobs/{job_id}/logs";
    private final Set<String> apiKeys = new LinkedHashSet<>();
    private String token;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private final Set<String> trustedProxies = new LinkedHashSet<>();
    private ConnectionRateLimiter rateLimiter;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private ResyncLimit resyncLimit = ResyncLimit.defaults();
    private Executor resyncExecutor;
    private Duration idleTimeout = Duration.ofSeconds(300);
    private Duration pingInterval = Duration.ofSeconds(30);
    private int maxMessageChars = ClientProtocol.DEFAULT_MAX_MESSAGE_CHARS;
    private TimeSource timeSource = TimeSource.system();
    private TaskScheduler scheduler;
    private RealtimeObserver observer = RealtimeObserver.NOOP;
    private ClientProtocol protocol;

    /** The protocol options set on this builder, refused beside {@link #protocol}. */
    private final Set<String> protocolOptions = new LinkedHashSet<>();

    private Builder(ConnectionRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Serves {@code /ws/events} from this broadcaster.
     *
     * @param events the event broadcaster
     * @return this builder
     */
    public Builder events(EventBroadcaster events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * Serves {@code /ws/system} from this broadcaster.
     *
     * @param system the system broadcaster
     * @return this builder
     */
    public Builder system(SystemBroadcaster system) {
      this.system = Objects.requireNonNull(system, "system");
      return this;
    }

    /**
     * Serves {@code /ws/jobs/{job_id}/logs} from this transport's job streams; a viewer whose
     * subscription breaks is closed with 1013 and reconnects. Opening a viewer never waits on the
     * transport: its backlog is read and sent on the {@link #resyncExecutor resync executor} once
     * its subscription is confirmed, and a subscription not confirmed within {@value
     * JobLogEmitter#DEFAULT_CONFIRMATION_TIMEOUT_SECONDS} s closes it with 1013 ({@link
     * io.realtime.jobs.JobLogTail#BACKBONE_UNAVAILABLE}). Replaces {@link #jobLogs(JobLogEmitter)}.
     *
     * @param transport the transport
     * @return this builder
     */
    public Builder jobLogs(Transport transport) {
      this.jobLogs = Objects.requireNonNull(transport, "transport");
      this.jobLogEmitter = null;
      return this;
    }

    /**
     * Serves {@code /ws/jobs/{job_id}/logs} from the job streams of this emitter's transport, with
     * the emitter's degraded mode: while it cannot reach the backbone, the lines it emits reach
     * this instance's viewers at once, after a {@code service_status} notice, and a viewer whose
     * subscription broke is kept and resubscribed rather than closed (see {@link JobLogEmitter}).
     * Opening a viewer never waits on the backbone: its backlog is read and sent on the emitter's
     * backlog threads once its subscription is confirmed, or it is closed with 1013 after the
     * emitter's confirmation timeout (see {@link JobLogEmitter.Builder#confirmationTimeout}).
     * Replaces {@link #jobLogs(Transport)}.
     *
     * @param emitter this instance's job log emitter
     * @return this builder
     */
    public Builder jobLogs(JobLogEmitter emitter) {
      this.jobLogEmitter = Objects.requireNonNull(emitter, "emitter");
      this.jobLogs = null;
      return this;
    }

    /**
     * Sets the paths.
     *
     * @param events the events path, {@code /ws/events} by default
     * @param system the system path, {@code /ws/system} by default
     * @param jobLogs the job-log path, containing {@code {job_id}}; {@code /ws/jobs/{job_id}/logs}
     *     by default
     * @return this builder
     */
    public Builder paths(String events, String system, String jobLogs) {
      this.eventsPath = requirePath("events path", events);
      this.systemPath = requirePath("system path", system);
      this.jobLogsPath = requirePath("job-logs path", jobLogs);
      if (!jobLogs.contains("{job_id}")) {
        throw new IllegalArgumentException(
            "job-logs path must contain {job_id}, got '" + jobLogs + "'");
      }
      return this;
    }

    private static String requirePath(String what, String path) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException(what + " must start with '/', got '" + path + "'");
      }
      return path;
    }

    /**
     * Requires one of these API keys. They are kept only as SHA-256 digests.
     *
     * @param keys the keys
     * @return this builder
     */
    public Builder apiKeys(Collection<String> keys) {
      for (String key : keys) {
        if (key == null || key.isBlank()) {
          throw new IllegalArgumentException("an API key must not be blank");
        }
        apiKeys.add(key);
      }
      return this;
    }

    /**
     * Requires this token as {@code ?token=}. It is kept only as a SHA-256 digest.
     *
     * @param token the token
     * @return this builder
     */
    public Builder token(String token) {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("the token must not be blank");
      }
      this.token = token;
      return this;
    }

    /**
     * Accepts browsers from these origins too. By default a browser may connect only from the
     * server's own origin (its {@code Origin} names the {@code Host} it connects to), which stops
     * other sites' pages from using a visitor's browser against the server; requests without {@code
     * Origin} are not from browsers and are always accepted. Behind a proxy that rewrites {@code
     * Host}, list the public origin here.
     *
     * @param origins exact origins such as {@code https://dashboard.example}; {@code *} accepts
     *     every origin
     * @return this builder
     * @throws IllegalArgumentException naming a blank origin or one with a path
     */
    public Builder allowedOrigins(Collection<String> origins) {
      for (String origin : origins) {
        if (origin == null || origin.isBlank()) {
          throw new IllegalArgumentException("an allowed origin must not be blank");
        }
        if (!origin.equals(OriginPolicy.ANY)
            && (!origin.contains("://") || origin.indexOf('/', origin.indexOf("://") + 3) >= 0)) {
          throw new IllegalArgumentException(
              "an allowed origin is scheme://host[:port] with no path, or *, got '" + origin + "'");
        }
        allowedOrigins.add(origin);
      }
      return this;
    }

    /**
     * Caps the connections open at once, all endpoints together; 10,000 by default. A connection
     * past the cap is closed with 1013 {@code Server at connection limit}.
     *
     * @param maxConnections at least 1
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Caps the connections open at once from one client address; 1,000 by default. A connection
     * past the cap is closed with 1013 {@code Too many connections from this address}. Behind a
     * proxy, set {@link #trustedProxies} or every client shares the proxy's address.
     *
     * @param maxConnectionsPerAddress at least 1
     * @return this builder
     */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      if (maxConnectionsPerAddress < 1) {
        throw new IllegalArgumentException(
            "maxConnectionsPerAddress must be >= 1, got " + maxConnectionsPerAddress);
      }
      this.maxConnectionsPerAddress = maxConnectionsPerAddress;
      return this;
    }

    /**
     * Sets how many {@code resync} requests one connection may make per window; {@link
     * ResyncLimit#defaults()} (5 per 10 s) by default.
     *
     * @param resyncLimit the limit
     * @return this builder
     */
    public Builder resyncLimit(ResyncLimit resyncLimit) {
      this.resyncLimit = Objects.requireNonNull(resyncLimit, "resyncLimit");
      protocolOptions.add("resyncLimit");
      return this;
    }

    /**
     * Sets where resync replays, and the backlogs of job-log viewers served from a {@link
     * #jobLogs(Transport) transport}, run, so container threads never wait on it. By default this
     * object owns two daemon threads named {@code realtime-resync-N}; an executor set here belongs
     * to the caller.
     *
     * @param resyncExecutor the executor
     * @return this builder
     */
    public Builder resyncExecutor(Executor resyncExecutor) {
      this.resyncExecutor = Objects.requireNonNull(resyncExecutor, "resyncExecutor");
      return this;
    }

    /**
     * Believes {@code X-Forwarded-For} from these proxy addresses; from none by default. The list
     * is read from the right: the client is the first address that is not a trusted proxy, so
     * whatever a client writes into the header itself is never believed. Entries are IP addresses
     * or CIDR blocks ({@code 10.0.0.1}, {@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}),
     * compared as addresses, so any spelling of an IPv6 address matches.
     *
     * @param proxies proxy IP addresses or CIDR blocks
     * @return this builder
     * @throws IllegalArgumentException naming an entry that is neither (host names are refused)
     */
    public Builder trustedProxies(Collection<String> proxies) {
      TrustedProxies.of(proxies);
      trustedProxies.addAll(proxies);
      return this;
    }

    /**
     * Sets the connection rate limiter; by default the in-memory one, 100 per minute plus 2 per IP.
     *
     * @param rateLimiter the limiter, for example a {@code RedisRateLimiter}
     * @return this builder
     */
    public Builder rateLimiter(ConnectionRateLimiter rateLimiter) {
      this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
      return this;
    }

    /**
     * Sets the idle timeout; 300 s by default.
     *
     * @param idleTimeout a positive duration
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Durations.requirePositive("idleTimeout", idleTimeout);
      protocolOptions.add("idleTimeout");
      return this;
    }

    /**
     * Sets the heartbeat period; 30 s by default.
     *
     * @param pingInterval a positive duration
     * @return this builder
     */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = Durations.requirePositive("pingInterval", pingInterval);
      protocolOptions.add("pingInterval");
      return this;
    }

    /**
     * Sets the largest message accepted, in characters; 65,536 by default. A longer message gets a
     * {@code validation_error} and the connection stays; the container closes a connection with
     * 1009 only past {@link RealtimeWebSocket#messageLimits()}, an eighth more.
     *
     * @param maxMessageChars from 1,024 to 1 MiB
     * @return this builder
     */
    public Builder maxMessageChars(int maxMessageChars) {
      if (maxMessageChars < 1024 || maxMessageChars > 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxMessageChars must be from 1024 to 1048576, got " + maxMessageChars);
      }
      this.maxMessageChars = maxMessageChars;
      protocolOptions.add("maxMessageChars");
      return this;
    }

    /**
     * Makes every endpoint speak this protocol, built by the host with {@link
     * ClientProtocol#builder}: its message limit, idle timeout, heartbeat, resync limit, resync
     * executor and scheduler apply, and the options of this builder that repeat them ({@link
     * #maxMessageChars}, {@link #idleTimeout}, {@link #pingInterval}, {@link #resyncLimit}) must
     * not be set too. The {@code /ws/events} endpoint gets a copy whose resync source is the {@link
     * #events} broadcaster; the container's frame limits follow the protocol's message limit; the
     * registry's codec replaces the protocol's, since connections are sent what the registry
     * encodes.
     *
     * @param protocol a protocol without a resync source
     * @return this builder
     * @throws IllegalArgumentException if it has a resync source: {@code /ws/system} would replay
     *     events
     */
    public Builder protocol(ClientProtocol protocol) {
      Objects.requireNonNull(protocol, "protocol");
      if (protocol.hasResyncSource()) {
        throw new IllegalArgumentException(
            "the protocol must have no resync source: /ws/events gets a copy with the events"
                + " broadcaster as its source, and /ws/system must not replay events");
      }
      this.protocol = protocol;
      return this;
    }

    /**
     * Sets the clocks.
     *
     * @param timeSource the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /**
     * Sets where heartbeats and idle checks are scheduled; an owned daemon thread by default.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(TaskScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Sets who is told of connections refused by origin, credentials, rate limit or cap; {@link
     * RealtimeObserver#NOOP} by default. It is called through {@link RealtimeObserver#guarded}, so
     * it never throws into the endpoint. Connections that were accepted are reported by the
     * registry's observer.
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(RealtimeObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Builds the endpoints.
     *
     * @return the endpoints
     * @throws IllegalStateException if no endpoint is configured
     */
    public RealtimeWebSocket build() {
      if (events == null && system == null && jobLogs == null && jobLogEmitter == null) {
        throw new IllegalStateException("configure at least one of events, system and jobLogs");
      }
      return new RealtimeWebSocket(this);
    }
  }
}
