package io.realtime.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.concurrent.TimeUnit;
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

  @Override
  protected long storedState() {
    return NODES.stream()
        .mapToLong(
            node -> RedisKeys.underPrefix(node.port(), RedisTransportConfig.DEFAULT_KEY_PREFIX))
        .sum();
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
      transport.subscribe(channel, received::add).confirmed().toCompletableFuture().join();
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

  /** The clients of this test's transports on each node whose line passes {@code filter}. */
  private static long clients(java.util.function.Predicate<String> filter) {
    long count = 0;
    for (RedisServer node : NODES) {
      try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
        count +=
            jedis
                .clientList()
                .lines()
                .filter(line -> line.contains("name=realtime"))
                .filter(filter)
                .count();
      }
    }
    return count;
  }

  private static boolean shardSubscriber(String clientLine) {
    return !clientLine.contains(" ssub=0 ");
  }

  /**
   * Issue 15: channels spread over the shards share one connection per master (SSUBSCRIBE), and a
   * few threads, however many they are; all of it goes once they are unsubscribed.
   */
  @Test
  void manyChannelsShareOneConnectionPerMaster() throws Exception {
    int threadsBefore = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
    long clientsBefore = clients(line -> true);
    try (RedisTransport many =
        RedisTransport.create(
            RedisTransportConfig.builder()
                .cluster(List.of(new HostPort("127.0.0.1", NODES.get(0).port())))
                .commandThreads(2, 1_000)
                .build())) {
      int n = 600;
      List<List<TransportMessage>> received = new ArrayList<>();
      List<io.realtime.transport.TransportSubscription> subscriptions = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<TransportMessage> messages = new CopyOnWriteArrayList<>();
        received.add(messages);
        subscriptions.add(many.subscribe(channel("many-" + i), messages::add));
      }
      java.util.concurrent.CompletableFuture.allOf(
              subscriptions.stream()
                  .map(s -> s.confirmed().toCompletableFuture())
                  .toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(30, java.util.concurrent.TimeUnit.SECONDS);

      org.slf4j.LoggerFactory.getLogger(RedisClusterIT.class)
          .info(
              "{} channels subscribed on 3 masters: {} Redis connections ({} shard subscriber"
                  + " connections), {} threads added",
              n,
              clients(line -> true) - clientsBefore,
              clients(RedisClusterIT::shardSubscriber),
              java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount()
                  - threadsBefore);
      assertThat(clients(RedisClusterIT::shardSubscriber)).as("one per master").isEqualTo(3);
      assertThat(clients(line -> true) - clientsBefore)
          .as("subscriber connections (3) + pool (2 per master)")
          .isLessThanOrEqualTo(3 + 3 * 2);
      assertThat(
              java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount()
                  - threadsBefore)
          .as("threads added for %d channels", n)
          .isLessThan(20);

      for (int i = 0; i < n; i++) {
        many.publish(channel("many-" + i), "to " + i).toCompletableFuture().join();
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> received.stream().allMatch(messages -> messages.size() == 1));
      for (int i = 0; i < n; i++) {
        assertThat(received.get(i).get(0).payload()).isEqualTo("to " + i);
      }

      subscriptions.forEach(io.realtime.transport.TransportSubscription::close);
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> clients(RedisClusterIT::shardSubscriber) == 0);
    }
  }

  /**
   * Issue 15: a channel's slot moving to another master ends its subscription (Redis unsubscribes
   * it from the shard that lost the slot): its listeners hear onFailure, and subscribing again
   * reaches the new owner, while the connection's other channels stay.
   */
  @Test
  void aChannelWhoseSlotMovesIsToldAndSubscribingAgainReachesTheNewOwner() throws Exception {
    String channel = null;
    for (int i = 0; channel == null && i < 1_000; i++) {
      String candidate = channel("moving-" + i);
      try (Jedis owner = new Jedis("127.0.0.1", ownerPort(candidate))) {
        if (owner.clusterCountKeysInSlot(JedisClusterCRC16.getSlot(candidate)) == 0) {
          channel = candidate;
        }
      }
    }
    String moving = channel;
    int slot = JedisClusterCRC16.getSlot(moving);
    int source = ownerPort(moving);
    RecordingListener heard = new RecordingListener();
    transport.subscribe(moving, heard).confirmed().toCompletableFuture().get(5, TimeUnit.SECONDS);

    RedisServer target = NODES.stream().filter(n -> n.port() != source).findFirst().orElseThrow();
    String sourceId;
    String targetId;
    try (Jedis from = new Jedis("127.0.0.1", source);
        Jedis to = new Jedis("127.0.0.1", target.port())) {
      sourceId = from.clusterMyId();
      targetId = to.clusterMyId();
      to.clusterSetSlotImporting(slot, sourceId);
      from.clusterSetSlotMigrating(slot, targetId);
    }
    for (RedisServer node : NODES) {
      try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
        jedis.clusterSetSlotNode(slot, targetId);
      }
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> heard.failures.size() == 1);
    assertThat(heard.failures.get(0)).hasMessageContaining("slot moved");
    RecordingListener again = new RecordingListener();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              transport
                  .subscribe(moving, again)
                  .confirmed()
                  .toCompletableFuture()
                  .get(2, TimeUnit.SECONDS);
              return true;
            });
    transport.publish(moving, "after the move").toCompletableFuture().get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> again.payloads().contains("after the move"));
    try (Jedis owner = new Jedis("127.0.0.1", target.port())) {
      assertThat(owner.pubsubShardNumSub(moving)).containsEntry(moving, 1L);
    }
  }

  /**
   * A brace in a channel name would move its keys' hash tag off the channel: the script's keys and
   * the SPUBLISH would land in different slots and every append fail with CROSSSLOT. Such a name is
   * refused at once, naming it.
   */
  @Test
  void aChannelNameWithABraceIsRefusedAtOnce() {
    String channel = channel("a{b}");

    assertThatThrownBy(() -> transport.append(channel, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(channel);
    assertThatThrownBy(() -> transport.publish(channel, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(channel);
    assertThatThrownBy(() -> transport.subscribe(channel, message -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(channel);
    assertThatThrownBy(() -> transport.since(channel, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(channel);
  }
}
