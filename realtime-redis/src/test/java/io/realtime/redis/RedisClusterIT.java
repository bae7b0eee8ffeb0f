package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.redis.RedisTransportConfig.HostPort;
import io.realtime.tck.TransportCompatibilityKit;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The transport contract on a 3-master Redis Cluster started by the test, with sharded pub/sub:
 * channels spread over the shards.
 */
class RedisClusterIT extends TransportCompatibilityKit {

  private static final List<RedisServer> NODES = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    for (int i = 0; i < 3; i++) {
      NODES.add(
          RedisServer.start(
              "--cluster-enabled", "yes",
              "--cluster-config-file", "nodes.conf",
              "--cluster-node-timeout", "2000"));
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    NODES.forEach(node -> create.add("127.0.0.1:" + node.port()));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
    }
    for (RedisServer node : NODES) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                  return jedis.clusterInfo().contains("cluster_state:ok");
                }
              });
    }
  }

  @AfterAll
  static void stopCluster() throws IOException {
    for (RedisServer node : NODES) {
      node.close();
    }
  }

  @Override
  protected Transport createTransport() {
    return RedisTransport.create(
        RedisTransportConfig.builder()
            .cluster(List.of(new HostPort("127.0.0.1", NODES.get(0).port())))
            .historySize(historySize())
            .build());
  }

  @Override
  protected int historySize() {
    return 50;
  }

  /** The node owning a channel's slot, from each node's own view of its slot ranges. */
  private static int ownerPort(String channel) {
    int slot = JedisClusterCRC16.getSlot(channel);
    for (RedisServer node : NODES) {
      try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
        for (String line : jedis.clusterNodes().split("\n")) {
          if (!line.contains("myself")) {
            continue;
          }
          String[] fields = line.trim().split(" ");
          for (int i = 8; i < fields.length; i++) {
            String[] range = fields[i].split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            if (slot >= from && slot <= to) {
              return node.port();
            }
          }
        }
      }
    }
    throw new IllegalStateException("no owner for slot " + slot);
  }

  @Test
  void channelsAreShardedAcrossTheMasters() throws Exception {
    List<String> channels = new ArrayList<>();
    Set<Integer> owners = new HashSet<>();
    for (int i = 0; owners.size() < 3 && i < 100; i++) {
      String channel = channel("shard-" + i);
      if (owners.add(ownerPort(channel))) {
        channels.add(channel);
      }
    }
    assertThat(owners).hasSize(3);
    List<TransportMessage> received = new CopyOnWriteArrayList<>();
    for (String channel : channels) {
      transport.subscribe(channel, received::add);
    }

    for (String channel : channels) {
      transport.append(channel, "on " + channel).toCompletableFuture().join();
      try (Jedis owner = new Jedis("127.0.0.1", ownerPort(channel))) {
        Map<String, Long> subscribers = owner.pubsubShardNumSub(channel);
        assertThat(subscribers).containsEntry(channel, 1L);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
    assertThat(received).allSatisfy(message -> assertThat(message.seq()).isEqualTo(1L));
  }
}
