package io.realtime.redis.internal;

import io.realtime.redis.RedisTransportConfig;
import io.realtime.redis.RedisTransportConfig.HostPort;
import io.realtime.transport.TransportException;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Opens connections for one configuration: a pooled command client, and pub/sub connections to the
 * node that serves a channel (the server, Sentinel's current master, or the cluster shard owning
 * the channel's slot), each shared by many channels.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class RedisConnections implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisConnections.class);

  private final RedisTransportConfig config;
  private final JedisClientConfig clientConfig;
  private final UnifiedJedis commands;
  private final ClusterConnectionProvider cluster;
  private final AtomicBoolean refreshing = new AtomicBoolean();

  /**
   * Opens the command client. Nothing is contacted yet.
   *
   * @param config the configuration
   */
  public RedisConnections(RedisTransportConfig config) {
    this.config = config;
    this.clientConfig = clientConfig(config, config.mode() != RedisTransportConfig.Mode.CLUSTER);
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    // one connection per command thread: a command never waits for a connection
    pool.setMaxTotal(config.commandThreads());
    pool.setMaxWait(config.commandTimeout());
    // A pooled connection may have died with the server; checking it on borrow costs a PING but
    // keeps the first command after a recovery from failing on a stale socket.
    pool.setTestOnBorrow(true);
    this.cluster =
        config.mode() == RedisTransportConfig.Mode.CLUSTER
            ? new ClusterConnectionProvider(hostsAndPorts(config), clientConfig, pool)
            : null;
    this.commands =
        switch (config.mode()) {
          case STANDALONE ->
              RedisClient.builder()
                  .hostAndPort(hostAndPort(config.nodes().get(0)))
                  .clientConfig(clientConfig)
                  .poolConfig(pool)
                  .build();
          case SENTINEL ->
              RedisSentinelClient.builder()
                  .masterName(config.sentinelMaster())
                  .sentinels(hostsAndPorts(config))
                  .clientConfig(clientConfig)
                  .sentinelClientConfig(sentinelConfig(config))
                  .poolConfig(pool)
                  .build();
          case CLUSTER ->
              RedisClusterClient.builder()
                  .nodes(hostsAndPorts(config))
                  .clientConfig(clientConfig)
                  .poolConfig(pool)
                  // kept to read its slot map, so that finding a channel's node needs no network
                  .connectionProvider(cluster)
                  .build();
        };
  }

  private static JedisClientConfig clientConfig(RedisTransportConfig config, boolean withDatabase) {
    DefaultJedisClientConfig.Builder builder =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis((int) config.connectTimeout().toMillis())
            .socketTimeoutMillis((int) config.commandTimeout().toMillis())
            .clientName("realtime")
            .autoNegotiateProtocol(false);
    if (config.tls()) {
      builder.sslOptions(SslOptions.defaults());
    }
    if (config.user() != null) {
      builder.user(config.user());
    }
    if (config.password() != null) {
      builder.password(config.password());
    }
    if (withDatabase) {
      builder.database(config.database());
    }
    return builder.build();
  }

  private static JedisClientConfig sentinelConfig(RedisTransportConfig config) {
    return DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis((int) config.connectTimeout().toMillis())
        .socketTimeoutMillis((int) config.commandTimeout().toMillis())
        .build();
  }

  private static HostAndPort hostAndPort(HostPort node) {
    return new HostAndPort(node.host(), node.port());
  }

  private static Set<HostAndPort> hostsAndPorts(RedisTransportConfig config) {
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    config.nodes().forEach(node -> nodes.add(hostAndPort(node)));
    return nodes;
  }

  /**
   * Returns the command client.
   *
   * @return the client
   */
  public UnifiedJedis commands() {
    return commands;
  }

  /**
   * Tells whether channels are sharded (Cluster mode).
   *
   * @return {@code true} in Cluster mode
   */
  public boolean sharded() {
    return config.mode() == RedisTransportConfig.Mode.CLUSTER;
  }

  /**
   * Returns the node that serves a channel now, from what the client knows (the configured server,
   * Sentinel's current master, the cluster's slot map): no network call, so a subscribe never waits
   * on Redis to find its node.
   *
   * @param channel the channel
   * @return its node
   * @throws TransportException if no node is known to serve the channel's slot
   */
  public HostAndPort nodeFor(String channel) {
    return switch (config.mode()) {
      case STANDALONE -> hostAndPort(config.nodes().get(0));
      case SENTINEL -> ((RedisSentinelClient) commands).getCurrentMaster();
      case CLUSTER -> {
        int slot = JedisClusterCRC16.getSlot(channel);
        HostAndPort node = cluster.getNode(slot);
        if (node == null) {
          topologyChanged();
          throw new TransportException(
              "no cluster node is known to serve slot " + slot + " of channel " + channel, null);
        }
        yield node;
      }
    };
  }

  /**
   * Tells that the cluster's slot map may be stale (a MOVED answer, a shard's connection lost): it
   * is read again, once at a time, off the caller's thread.
   */
  public void topologyChanged() {
    if (cluster == null || !refreshing.compareAndSet(false, true)) {
      return;
    }
    Thread refresh =
        new Thread(
            () -> {
              try {
                cluster.renewSlotCache();
              } catch (RuntimeException e) {
                log.debug("Cannot read the cluster's slot map", e);
              } finally {
                refreshing.set(false);
              }
            },
            "realtime-redis-topology");
    refresh.setDaemon(true);
    refresh.start();
  }

  /**
   * Opens a pub/sub connection to a node: connects and authenticates, bounded by the connect and
   * command timeouts.
   *
   * @param node the node
   * @return the connection
   */
  public PubSubConnection openPubSub(HostAndPort node) {
    return new PubSubConnection(node, clientConfig);
  }

  /**
   * A connection in the pub/sub state: commands are written by one thread and flushed in batches,
   * replies and messages read by another.
   *
   * <p>This class is internal and is hence not for public use.
   */
  public static final class PubSubConnection extends Connection {

    // set once the constructor connected and shook hands: from then on the socket is never reopened
    private volatile boolean opened;

    private PubSubConnection(HostAndPort node, JedisClientConfig config) {
      super(node, config);
      opened = true;
    }

    /**
     * Refuses to open the socket again once it was closed: Jedis would silently reconnect on the
     * next command, without the handshake (authentication, database), and a SUBSCRIBE written after
     * the connection was ended would leave a connection nobody reads or closes.
     */
    @Override
    public void connect() {
      if (opened && !isConnected()) {
        throw new JedisConnectionException(
            "the pub/sub connection to " + getHostAndPort() + " was closed; it is not reopened");
      }
      super.connect();
    }

    /**
     * Closes the socket at once, without flushing what is buffered: a flush waits for a node that
     * stopped reading (paused, partitioned), and would hold the caller (the watchdog) for as long.
     * A thread blocked reading or writing the socket fails at once.
     */
    public void abort() {
      try {
        forceDisconnect();
      } catch (IOException e) {
        log.debug("Closing the pub/sub connection to {} failed", getHostAndPort(), e);
      }
    }

    /**
     * Writes a command without flushing.
     *
     * @param command the command
     * @param channel its one argument, or {@code null} for none
     */
    public void send(ProtocolCommand command, String channel) {
      if (channel == null) {
        sendCommand(command);
      } else {
        sendCommand(command, channel);
      }
    }

    /** Flushes what was written. */
    public void flushNow() {
      flush();
    }

    /**
     * Reads the next reply or message, waiting for it.
     *
     * @return the reply
     */
    public Object readReply() {
      return getUnflushedObject();
    }
  }

  /**
   * Sends a PING on a fresh connection, outside the pool, with the configured connect and command
   * timeouts: a cheap, honest answer to "does Redis answer now". In Cluster mode the seeds are
   * tried in turn, and one answering is enough.
   *
   * @throws RuntimeException if no node answered
   */
  public void ping() {
    List<HostAndPort> nodes =
        switch (config.mode()) {
          case STANDALONE -> List.of(hostAndPort(config.nodes().get(0)));
          case SENTINEL -> List.of(((RedisSentinelClient) commands).getCurrentMaster());
          case CLUSTER -> List.copyOf(hostsAndPorts(config));
        };
    RuntimeException failure = null;
    for (HostAndPort node : nodes) {
      try (Jedis jedis = new Jedis(node, clientConfig)) {
        String answer = jedis.ping();
        if ("PONG".equalsIgnoreCase(answer)) {
          return;
        }
        failure = new IllegalStateException(node + " answered " + answer + " to PING");
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    throw failure;
  }

  @Override
  public void close() {
    commands.close();
  }
}
