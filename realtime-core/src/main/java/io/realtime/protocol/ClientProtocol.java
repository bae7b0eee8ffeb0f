package io.realtime.protocol;

import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.RegisteredConnection;
import io.realtime.internal.util.Durations;
import io.realtime.message.MessageCodec;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The protocol settings shared by the connections of one endpoint, and the factory of their {@link
 * ProtocolSession}s. Defaults are the original's: messages up to 65,536 characters, an idle timeout
 * of 300 s, a heartbeat every 30 s. Thread-safe.
 *
 * <p>The heartbeats and idle checks of all its connections share one entry on the scheduler: a walk
 * of the open connections, at most once per tick (1 s, or the shorter interval when below), fires
 * what is due. So a timer fires less than a tick late, and a closed connection leaves nothing
 * queued on the scheduler. The entry goes away at the first walk that finds no connection open, or
 * when the scheduler refuses it (shut down).
 */
public final class ClientProtocol {

  /** The default largest message, in characters, as the original counted. */
  public static final int DEFAULT_MAX_MESSAGE_CHARS = 65_536;

  private final int maxMessageChars;
  private final Duration idleTimeout;
  private final Duration pingInterval;
  private final TimeSource time;
  private final EventBroadcaster resyncSource;
  private final MessageCodec codec;
  private final ResyncLimit resyncLimit;
  private final Executor resyncExecutor;
  private final TaskScheduler scheduler;
  private final SessionTicker ticker;

  private ClientProtocol(Builder builder) {
    this.maxMessageChars = builder.maxMessageChars;
    this.idleTimeout = builder.idleTimeout;
    this.pingInterval = builder.pingInterval;
    this.time = builder.time;
    this.resyncSource = builder.resyncSource;
    this.codec = builder.codec;
    this.resyncLimit = builder.resyncLimit;
    this.resyncExecutor = builder.resyncExecutor;
    this.scheduler = builder.scheduler;
    this.ticker =
        new SessionTicker(
            Objects.requireNonNull(builder.scheduler, "scheduler"),
            time,
            pingInterval,
            idleTimeout);
  }

  /**
   * Returns a builder.
   *
   * @param scheduler where the walk that fires heartbeats and idle checks is scheduled, one entry
   *     at a time
   * @return the builder
   */
  public static Builder builder(TaskScheduler scheduler) {
    Builder builder = new Builder();
    builder.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return builder;
  }

  /**
   * Starts the protocol on a new connection: its heartbeat and idle timer run until it closes.
   *
   * @param connection the registered connection
   * @return the session to feed with the connection's frames
   */
  public ProtocolSession open(RegisteredConnection connection) {
    return new ProtocolSession(this, connection);
  }

  /**
   * Returns a builder holding this protocol's settings, its scheduler included, to derive a variant
   * (a WebSocket module gives its events endpoint a copy with a resync source). The variant has its
   * own timer walk.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder builder = builder(scheduler);
    builder.maxMessageChars = maxMessageChars;
    builder.idleTimeout = idleTimeout;
    builder.pingInterval = pingInterval;
    builder.time = time;
    builder.resyncSource = resyncSource;
    builder.codec = codec;
    builder.resyncLimit = resyncLimit;
    builder.resyncExecutor = resyncExecutor;
    return builder;
  }

  /**
   * Returns the largest message accepted, in characters.
   *
   * @return the limit
   */
  public int maxMessageChars() {
    return maxMessageChars;
  }

  Duration idleTimeout() {
    return idleTimeout;
  }

  Duration pingInterval() {
    return pingInterval;
  }

  TimeSource time() {
    return time;
  }

  SessionTicker ticker() {
    return ticker;
  }

  /**
   * Tells whether resync requests are answered with a replay ({@link Builder#resyncSource});
   * without a source they get an empty acknowledgement.
   *
   * @return whether there is a resync source
   */
  public boolean hasResyncSource() {
    return resyncSource != null;
  }

  EventBroadcaster resyncSource() {
    return resyncSource;
  }

  /**
   * Returns the codec the sessions read and answer with.
   *
   * @return the codec
   */
  public MessageCodec codec() {
    return codec;
  }

  ResyncLimit resyncLimit() {
    return resyncLimit;
  }

  Executor resyncExecutor() {
    return resyncExecutor;
  }

  /** Builds a {@link ClientProtocol}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private int maxMessageChars = DEFAULT_MAX_MESSAGE_CHARS;
    private Duration idleTimeout = Duration.ofSeconds(300);
    private Duration pingInterval = Duration.ofSeconds(30);
    private TimeSource time = TimeSource.system();
    private TaskScheduler scheduler;
    private EventBroadcaster resyncSource;
    private MessageCodec codec = MessageCodec.json();
    private ResyncLimit resyncLimit = ResyncLimit.defaults();
    private Executor resyncExecutor = Runnable::run;

    private Builder() {}

    /**
     * Sets how many resyncs one connection may make per window; {@link ResyncLimit#defaults()} (5
     * per 10 s) by default.
     *
     * @param resyncLimit the limit
     * @return this builder
     */
    public Builder resyncLimit(ResyncLimit resyncLimit) {
      this.resyncLimit = Objects.requireNonNull(resyncLimit, "resyncLimit");
      return this;
    }

    /**
     * Sets where resync replays run. By default they run on the thread that delivers the client's
     * frame; a host whose container threads must not wait on the transport gives an executor here
     * (the WebSocket adapter does). Each connection has at most one replay running and one waiting,
     * so the executor's queue is bounded by the number of connections.
     *
     * @param resyncExecutor the executor
     * @return this builder
     */
    public Builder resyncExecutor(Executor resyncExecutor) {
      this.resyncExecutor = Objects.requireNonNull(resyncExecutor, "resyncExecutor");
      return this;
    }

    /**
     * Sets the codec that reads client messages; {@link MessageCodec#json()} by default.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(MessageCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets the largest message accepted, in characters; 65,536 by default, from 1,024 to 1 MiB as
     * in the original.
     *
     * @param maxMessageChars the limit
     * @return this builder
     */
    public Builder maxMessageChars(int maxMessageChars) {
      if (maxMessageChars < 1024 || maxMessageChars > 1024 * 1024) {
        throw new IllegalArgumentException(
            "maxMessageChars must be from 1024 to 1048576, got " + maxMessageChars);
      }
      this.maxMessageChars = maxMessageChars;
      return this;
    }

    /**
     * Sets the idle timeout: a connection that sends nothing for this long is closed with 1000
     * {@code Idle timeout}; 300 s by default.
     *
     * @param idleTimeout a positive duration
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Durations.requirePositive("idleTimeout", idleTimeout);
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
      return this;
    }

    /**
     * Sets the clocks.
     *
     * @param time the time source
     * @return this builder
     */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    /**
     * Sets the broadcaster that answers {@code resync}; without one, resync replays nothing.
     *
     * @param resyncSource the event broadcaster
     * @return this builder
     */
    public Builder resyncSource(EventBroadcaster resyncSource) {
      this.resyncSource = Objects.requireNonNull(resyncSource, "resyncSource");
      return this;
    }

    /**
     * Builds the protocol.
     *
     * @return the protocol
     */
    public ClientProtocol build() {
      return new ClientProtocol(this);
    }
  }
}
