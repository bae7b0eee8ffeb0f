package io.realtime.redis;

import io.realtime.internal.util.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * The validated, immutable configuration of a {@link RedisTransport}: where Redis is (one server,
 * Sentinel or Cluster), how to authenticate, timeouts and the key prefix. Build it with {@link
 * #builder()} or read it from properties with {@link #fromProperties}. The password is never shown
 * by {@link #toString()}, logs or exception messages.
 */
public final class RedisTransportConfig {

  /** How Redis is deployed. */
  public enum Mode {
    /** One server (with its replicas, if any, unused). */
    STANDALONE,
    /** A master found through Redis Sentinel; failovers are followed. */
    SENTINEL,
    /** Redis Cluster, with sharded pub/sub. */
    CLUSTER
  }

  /** The default key prefix, as in the original. */
  public static final String DEFAULT_KEY_PREFIX = "hsi";

  private final Mode mode;
  private final List<HostPort> nodes;
  private final String sentinelMaster;
  private final String user;
  private final String password;
  private final boolean tls;
  private final int database;
  private final String keyPrefix;
  private final int historySize;
  private final Duration commandTimeout;
  private final Duration connectTimeout;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration deduplicationWindow;
  private final int commandThreads;
  private final int commandQueueSize;
  private final int deliveryThreads;
  private final int deliveryQueueSize;
  private final int subscriberConnections;

  private RedisTransportConfig(Builder b) {
    this.mode = b.mode;
    this.nodes = List.copyOf(b.nodes);
    this.sentinelMaster = b.sentinelMaster;
    this.user = b.user;
    this.password = b.password;
    this.tls = b.tls;
    this.database = b.database;
    this.keyPrefix = b.keyPrefix;
    this.historySize = b.historySize;
    this.commandTimeout = b.commandTimeout;
    this.connectTimeout = b.connectTimeout;
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.deduplicationWindow = b.deduplicationWindow;
    this.commandThreads = b.commandThreads;
    this.commandQueueSize = b.commandQueueSize;
    this.deliveryThreads = b.deliveryThreads;
    this.deliveryQueueSize = b.deliveryQueueSize;
    this.subscriberConnections = b.subscriberConnections;
  }

  /**
   * Returns a builder with the defaults: {@code redis://127.0.0.1:6379}, database 0, prefix {@code
   * hsi}, history 1,000, timeouts of 2 s, a subscriber ping every second with a 3 s timeout, a
   * deduplication window of 10 minutes, 16 command threads with 1,000 queued commands, 4 delivery
   * threads and 10,000 queued messages per subscribed channel, and one subscriber connection.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the configuration from properties under a prefix, for example {@code realtime.redis.}:
   * {@code uri}, {@code database}, {@code key-prefix}, {@code history-size}, {@code
   * command-timeout-ms}, {@code connect-timeout-ms}, {@code ping-interval-ms}, {@code
   * ping-timeout-ms}, {@code deduplication-window-ms}, {@code command-threads}, {@code
   * command-queue-size}, {@code delivery-threads}, {@code delivery-queue-size}, {@code
   * subscriber-connections}, {@code sentinel.master}, {@code sentinel.nodes}, {@code cluster.nodes}
   * (comma-separated {@code host:port}). Absent keys keep their defaults. The former {@code
   * channels.events}, {@code .system-status}, {@code .performance} and {@code .job-logs} are
   * refused: channel names belong to the components that use them.
   *
   * @param properties the properties, for example {@code System.getProperties()}
   * @param prefix the key prefix
   * @return the configuration
   * @throws IllegalArgumentException naming the bad key and value (never a password)
   */
  public static RedisTransportConfig fromProperties(Properties properties, String prefix) {
    Builder builder = builder();
    String uri = properties.getProperty(prefix + "uri");
    if (uri != null) {
      builder.uri(uri);
    }
    String database = properties.getProperty(prefix + "database");
    if (database != null) {
      builder.database(parseInt(prefix + "database", database));
    }
    String keyPrefix = properties.getProperty(prefix + "key-prefix");
    if (keyPrefix != null) {
      builder.keyPrefix(keyPrefix);
    }
    String history = properties.getProperty(prefix + "history-size");
    if (history != null) {
      builder.historySize(parseInt(prefix + "history-size", history));
    }
    builder.commandTimeout(
        millis(properties, prefix + "command-timeout-ms", builder.commandTimeout));
    builder.connectTimeout(
        millis(properties, prefix + "connect-timeout-ms", builder.connectTimeout));
    builder.ping(
        millis(properties, prefix + "ping-interval-ms", builder.pingInterval),
        millis(properties, prefix + "ping-timeout-ms", builder.pingTimeout));
    builder.deduplicationWindow(
        millis(properties, prefix + "deduplication-window-ms", builder.deduplicationWindow));
    builder.commandThreads(
        integer(properties, prefix + "command-threads", builder.commandThreads),
        integer(properties, prefix + "command-queue-size", builder.commandQueueSize));
    builder.delivery(
        integer(properties, prefix + "delivery-threads", builder.deliveryThreads),
        integer(properties, prefix + "delivery-queue-size", builder.deliveryQueueSize));
    builder.subscriberConnections(
        integer(properties, prefix + "subscriber-connections", builder.subscriberConnections));
    String master = properties.getProperty(prefix + "sentinel.master");
    if (master != null) {
      builder.sentinel(
          master,
          parseNodes(prefix + "sentinel.nodes", properties.getProperty(prefix + "sentinel.nodes")));
    }
    String cluster = properties.getProperty(prefix + "cluster.nodes");
    if (cluster != null) {
      builder.cluster(parseNodes(prefix + "cluster.nodes", cluster));
    }
    for (String removed : List.of("events", "system-status", "performance", "job-logs")) {
      String key = prefix + "channels." + removed;
      if (properties.getProperty(key) != null) {
        // Refused rather than ignored: a host that set it expects its channels renamed.
        throw new IllegalArgumentException(
            key
                + " is not read: the transport carries whatever channels its users name; set"
                + " EventBroadcaster's transportChannel, SystemBroadcaster's transportChannels or"
                + " JobLogEmitter's logChannel instead");
      }
    }
    return builder.build();
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
    }
  }

  private static Duration millis(Properties properties, String key, Duration fallback) {
    return Duration.ofMillis(integer(properties, key, (int) fallback.toMillis()));
  }

  private static int integer(Properties properties, String key, int fallback) {
    String value = properties.getProperty(key);
    return value == null ? fallback : parseInt(key, value);
  }

  private static List<HostPort> parseNodes(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " must list host:port nodes, got '" + value + "'");
    }
    List<HostPort> nodes = new ArrayList<>();
    for (String node : value.split(",")) {
      nodes.add(HostPort.parse(key, node.trim()));
    }
    return nodes;
  }

  /**
   * Returns the deployment mode.
   *
   * @return the mode
   */
  public Mode mode() {
    return mode;
  }

  /**
   * Returns the server (standalone), the sentinels, or the cluster's seed nodes.
   *
   * @return the nodes
   */
  public List<HostPort> nodes() {
    return nodes;
  }

  /**
   * Returns the Sentinel master name, or {@code null} outside Sentinel mode.
   *
   * @return the master name
   */
  public String sentinelMaster() {
    return sentinelMaster;
  }

  /**
   * Returns the ACL user, or {@code null}.
   *
   * @return the user
   */
  public String user() {
    return user;
  }

  /**
   * Returns the password, or {@code null}. Keep it out of logs.
   *
   * @return the password
   */
  public String password() {
    return password;
  }

  /**
   * Tells whether connections use TLS ({@code rediss://}).
   *
   * @return {@code true} with TLS
   */
  public boolean tls() {
    return tls;
  }

  /**
   * Returns the database index (not used in Cluster mode).
   *
   * @return the index
   */
  public int database() {
    return database;
  }

  /**
   * Returns the prefix of every key the transport writes.
   *
   * @return the prefix, {@code hsi} by default
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Returns how many messages each stream keeps.
   *
   * @return the history size, 1,000 by default
   */
  public int historySize() {
    return historySize;
  }

  /**
   * Returns the longest a command may take, and so the longest a publish keeps its caller waiting.
   *
   * @return the timeout
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Returns the longest a connection attempt may take.
   *
   * @return the timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns how often subscriber connections are pinged.
   *
   * @return the interval
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /**
   * Returns how long a subscriber connection may stay silent before it is declared dead.
   *
   * @return the timeout
   */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /**
   * Returns how long an appended message's id is remembered: appending again with the same id
   * within this window stores nothing and returns the first position. It must exceed the longest
   * time an append may be retried after its first attempt: the longest outage an outbox entry may
   * wait out. An entry flushed after the window, whose first attempt ran anyway (a timeout, a
   * stall), is stored and published a second time, with a new offset.
   *
   * @return the window, 10 minutes by default
   */
  public Duration deduplicationWindow() {
    return deduplicationWindow;
  }

  /**
   * Returns how many threads run commands, and so how many pooled connections there are.
   *
   * @return the number of command threads, 16 by default
   */
  public int commandThreads() {
    return commandThreads;
  }

  /**
   * Returns how many commands may wait for a command thread; more fail at once.
   *
   * @return the queue bound, 1,000 by default
   */
  public int commandQueueSize() {
    return commandQueueSize;
  }

  /**
   * Returns how many threads deliver received messages to listeners, for all channels together.
   *
   * @return the number of delivery threads, 4 by default
   */
  public int deliveryThreads() {
    return deliveryThreads;
  }

  /**
   * Returns how many received messages a subscribed channel may hold for its listeners; one more
   * ends the channel's subscription, and its listeners catch up from the history.
   *
   * @return the bound per channel, 10,000 by default
   */
  public int deliveryQueueSize() {
    return deliveryQueueSize;
  }

  /**
   * Returns how many connections carry the subscribed channels outside Cluster mode: channels are
   * spread over them by hash, whatever their number. In Cluster mode there is one per master that
   * owns a subscribed channel's slot instead.
   *
   * @return the number of subscriber connections, 1 by default
   */
  public int subscriberConnections() {
    return subscriberConnections;
  }

  @Override
  public String toString() {
    return "RedisTransportConfig[mode="
        + mode
        + ", nodes="
        + nodes
        + (sentinelMaster == null ? "" : ", master=" + sentinelMaster)
        + ", user="
        + user
        + ", password="
        + (password == null ? "none" : "****")
        + ", tls="
        + tls
        + ", database="
        + database
        + ", keyPrefix="
        + keyPrefix
        + ", historySize="
        + historySize
        + ", commandTimeout="
        + commandTimeout
        + ", connectTimeout="
        + connectTimeout
        + ", ping="
        + pingInterval
        + "/"
        + pingTimeout
        + ", deduplicationWindow="
        + deduplicationWindow
        + ", commandThreads="
        + commandThreads
        + "/"
        + commandQueueSize
        + ", delivery="
        + deliveryThreads
        + "/"
        + deliveryQueueSize
        + ", subscriberConnections="
        + subscriberConnections
        + "]";
  }

  /**
   * A server address.
   *
   * @param host the host
   * @param port the port, from 1 to 65535
   */
  public record HostPort(String host, int port) {

    /**
     * Validates the address.
     *
     * @param host the host
     * @param port the port, from 1 to 65535
     */
    public HostPort {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank, got '" + host + "'");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be from 1 to 65535, got " + port);
      }
    }

    static HostPort parse(String key, String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(key + " entries must be host:port, got '" + text + "'");
      }
      return new HostPort(text.substring(0, colon), parseInt(key, text.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  /** Builds a {@link RedisTransportConfig}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private Mode mode = Mode.STANDALONE;
    private List<HostPort> nodes = List.of(new HostPort("127.0.0.1", 6379));
    private String sentinelMaster;
    private String user;
    private String password;
    private boolean tls;
    private int database;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int historySize = 1_000;
    private Duration commandTimeout = Duration.ofSeconds(2);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration pingInterval = Duration.ofSeconds(1);
    private Duration pingTimeout = Duration.ofSeconds(3);
    private Duration deduplicationWindow = Duration.ofMinutes(10);
    private int commandThreads = 16;
    private int commandQueueSize = 1_000;
    private int deliveryThreads = 4;
    private int deliveryQueueSize = 10_000;
    private int subscriberConnections = 1;

    private Builder() {}

    /**
     * Sets a standalone server from a URI: {@code redis://[[user]:password@]host[:port][/database]}
     * or {@code rediss://...} for TLS.
     *
     * @param uri the URI
     * @return this builder
     * @throws IllegalArgumentException describing the problem, without the password
     */
    public Builder uri(String uri) {
      URI parsed;
      try {
        parsed = new URI(Objects.requireNonNull(uri, "uri"));
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("Redis URI is not a valid URI (" + e.getReason() + ")");
      }
      String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("redis") && !scheme.equals("rediss")) {
        throw new IllegalArgumentException(
            "Redis URI must start with redis:// or rediss://, got scheme '" + scheme + "'");
      }
      if (parsed.getHost() == null) {
        throw new IllegalArgumentException("Redis URI must name a host");
      }
      this.mode = Mode.STANDALONE;
      this.nodes =
          List.of(new HostPort(parsed.getHost(), parsed.getPort() < 0 ? 6379 : parsed.getPort()));
      this.tls = scheme.equals("rediss");
      String userInfo = parsed.getRawUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        String rawUser = colon < 0 ? null : userInfo.substring(0, colon);
        String rawPassword = colon < 0 ? userInfo : userInfo.substring(colon + 1);
        this.user = rawUser == null || rawUser.isEmpty() ? null : decode(rawUser);
        this.password = rawPassword.isEmpty() ? null : decode(rawPassword);
      }
      String path = parsed.getPath();
      if (path != null && path.length() > 1) {
        try {
          database(Integer.parseInt(path.substring(1)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "Redis URI path must be a database number, got '" + path + "'");
        }
      }
      return this;
    }

    private static String decode(String text) {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /**
     * Uses Redis Sentinel.
     *
     * @param master the monitored master's name
     * @param sentinels the sentinels
     * @return this builder
     */
    public Builder sentinel(String master, List<HostPort> sentinels) {
      if (master == null || master.isBlank()) {
        throw new IllegalArgumentException(
            "sentinel master name must not be blank, got '" + master + "'");
      }
      this.mode = Mode.SENTINEL;
      this.sentinelMaster = master;
      this.nodes = requireNodes("sentinels", sentinels);
      return this;
    }

    /**
     * Uses Redis Cluster.
     *
     * @param seeds some of the cluster's nodes
     * @return this builder
     */
    public Builder cluster(List<HostPort> seeds) {
      this.mode = Mode.CLUSTER;
      this.nodes = requireNodes("cluster nodes", seeds);
      return this;
    }

    private static List<HostPort> requireNodes(String what, List<HostPort> nodes) {
      if (nodes == null || nodes.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return List.copyOf(nodes);
    }

    /**
     * Sets the credentials.
     *
     * @param user the ACL user, or {@code null} for the default user
     * @param password the password, or {@code null}
     * @return this builder
     */
    public Builder credentials(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /**
     * Turns TLS on or off.
     *
     * @param tls whether to use TLS
     * @return this builder
     */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Sets the database index.
     *
     * @param database from 0 to 15
     * @return this builder
     */
    public Builder database(int database) {
      if (database < 0 || database > 15) {
        throw new IllegalArgumentException("database must be from 0 to 15, got " + database);
      }
      this.database = database;
      return this;
    }

    /**
     * Sets the prefix of every key; {@code hsi} by default.
     *
     * @param keyPrefix letters, digits, {@code .}, {@code _}, {@code -} or {@code :}
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9._:-]{1,64}")) {
        throw new IllegalArgumentException(
            "keyPrefix must be 1 to 64 letters, digits, '.', '_', ':' or '-', got '"
                + keyPrefix
                + "'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets how many messages each stream keeps; 1,000 by default.
     *
     * @param historySize at least 1
     * @return this builder
     */
    public Builder historySize(int historySize) {
      if (historySize < 1) {
        throw new IllegalArgumentException("historySize must be >= 1, got " + historySize);
      }
      this.historySize = historySize;
      return this;
    }

    /**
     * Sets the command timeout; 2 s by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Durations.requirePositive("commandTimeout", timeout);
      return this;
    }

    /**
     * Sets the connect timeout; 2 s by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Durations.requirePositive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets how subscriber connections are watched: a ping every {@code interval}; silence for
     * {@code timeout} declares the connection dead. 1 s and 3 s by default.
     *
     * @param interval a positive duration
     * @param timeout a duration longer than {@code interval}
     * @return this builder
     */
    public Builder ping(Duration interval, Duration timeout) {
      Durations.requirePositive("pingInterval", interval);
      Durations.requirePositive("pingTimeout", timeout);
      if (timeout.compareTo(interval) <= 0) {
        throw new IllegalArgumentException(
            "pingTimeout must be longer than pingInterval, got " + timeout + " <= " + interval);
      }
      this.pingInterval = interval;
      this.pingTimeout = timeout;
      return this;
    }

    /**
     * Sets how long an appended message's id is remembered, so that a retried or late append with
     * the same id stores nothing new; 10 minutes by default. It must exceed the longest outage an
     * outbox entry (of events or job logs) may wait out before it is appended again: an entry
     * appended again after the window, whose first attempt ran anyway, is stored and published a
     * second time (a second copy with a new offset).
     *
     * @param window a positive duration
     * @return this builder
     */
    public Builder deduplicationWindow(Duration window) {
      this.deduplicationWindow = Durations.requirePositive("deduplicationWindow", window);
      return this;
    }

    /**
     * Bounds the commands run at once and waiting: {@code threads} threads (and as many pooled
     * connections) run them, {@code queueSize} more may wait; beyond that a command fails at once
     * with a {@link io.realtime.transport.TransportException} and is counted ({@link
     * RedisTransport#rejectedCommands()}). 16 and 1,000 by default.
     *
     * @param threads from 1 to 1,024
     * @param queueSize at least 1
     * @return this builder
     */
    public Builder commandThreads(int threads, int queueSize) {
      this.commandThreads = requireRange("commandThreads", threads, 1, 1024);
      this.commandQueueSize = requireRange("commandQueueSize", queueSize, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Bounds the delivery of received messages to listeners: {@code threads} threads deliver for
     * all channels; each channel holds at most {@code queueSize} messages not yet delivered, and
     * one more ends its subscription ({@link io.realtime.transport.TransportListener#onFailure})
     * rather than block the connection's reader. 4 and 10,000 by default.
     *
     * @param threads from 1 to 1,024
     * @param queueSize at least 1
     * @return this builder
     */
    public Builder delivery(int threads, int queueSize) {
      this.deliveryThreads = requireRange("deliveryThreads", threads, 1, 1024);
      this.deliveryQueueSize = requireRange("deliveryQueueSize", queueSize, 1, Integer.MAX_VALUE);
      return this;
    }

    /**
     * Sets how many connections carry the subscribed channels (standalone and Sentinel): every
     * channel is subscribed on one of them, chosen by its hash, so connections and reading threads
     * stay this many whatever the number of channels. More spread the reading of busy channels over
     * more threads. Cluster mode ignores it: it holds one connection per master owning a subscribed
     * channel's slot. 1 by default.
     *
     * @param connections from 1 to 64
     * @return this builder
     */
    public Builder subscriberConnections(int connections) {
      this.subscriberConnections = requireRange("subscriberConnections", connections, 1, 64);
      return this;
    }

    private static int requireRange(String what, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            what
                + " must be from "
                + min
                + (max == Integer.MAX_VALUE ? " up" : " to " + max)
                + ", got "
                + value);
      }
      return value;
    }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     */
    public RedisTransportConfig build() {
      return new RedisTransportConfig(this);
    }
  }
}
