package io.realtime.redis.internal;

import io.realtime.redis.RedisTransportConfig;
import io.realtime.redis.RedisTransportConfig.HostPort;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
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
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Opens connections for one configuration: a pooled command client, and dedicated subscriber
 * connections to the node that serves a channel (the server, Sentinel's current master, or the
 * cluster shard owning the channel's slot).
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class RedisConnections implements AutoCloseable {

  private final RedisTransportConfig config;
  private final JedisClientConfig clientConfig;
  private final UnifiedJedis commands;

  /**
   * Opens the command client. Nothing is contacted yet.
   *
   * @param config the configuration
   */
  public RedisConnections(RedisTransportConfig config) {
    this.config = config;
    this.clientConfig = clientConfig(config, config.mode() != RedisTransportConfig.Mode.CLUSTER);
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(16);
    pool.setMaxWait(config.commandTimeout());
    // A pooled connection may have died with the server; checking it on borrow costs a PING but
    // keeps the first command after a recovery from failing on a stale socket.
    pool.setTestOnBorrow(true);
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
   * Returns the node that serves a channel now.
   *
   * @param channel the channel
   * @return its node
   */
  public HostAndPort nodeFor(String channel) {
    return switch (config.mode()) {
      case STANDALONE -> hostAndPort(config.nodes().get(0));
      case SENTINEL -> ((RedisSentinelClient) commands).getCurrentMaster();
      case CLUSTER -> {
        RedisClusterClient cluster = (RedisClusterClient) commands;
        try (Connection owner = cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(channel))) {
          yield owner.getHostAndPort();
        }
      }
    };
  }

  /**
   * Opens a dedicated connection to a node, for a subscriber.
   *
   * @param node the node
   * @return the connection
   */
  public Jedis openSubscriber(HostAndPort node) {
    return new Jedis(node, clientConfig);
  }

  @Override
  public void close() {
    commands.close();
  }
}
