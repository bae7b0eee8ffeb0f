package io.realtime.jakarta.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * What one server instance holds, as a load test measures it from outside: the JVM's threads other
 * than the test's own (its clients', its sampler's, Awaitility's), and the connections each Redis
 * node has from anyone but this probe. A sampler records the peaks between two {@link #resetPeaks}.
 */
final class InstanceResources implements AutoCloseable {

  /** The client name of the probe's own connections, left out of the counts. */
  static final String PROBE_NAME = "viewers-it-probe";

  private static final Logger log = LoggerFactory.getLogger(InstanceResources.class);

  private static final List<String> TEST_THREADS = List.of(ViewerFleet.THREAD_PREFIX, "awaitility");

  private final List<Jedis> nodes = new ArrayList<>();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, ViewerFleet.THREAD_PREFIX + "sampler");
            thread.setDaemon(true);
            return thread;
          });

  private int peakThreads;
  private RedisClients[] peakClients;

  /** Connections to one Redis node: all of them, and those subscribed to a channel. */
  record RedisClients(int total, int subscribed) {}

  /**
   * Connects the probe to each node and starts sampling every {@code periodMillis}.
   *
   * @param redisPorts the nodes, on 127.0.0.1
   * @param periodMillis the sampling period
   */
  InstanceResources(List<Integer> redisPorts, long periodMillis) {
    for (int port : redisPorts) {
      Jedis jedis = new Jedis("127.0.0.1", port);
      jedis.clientSetname(PROBE_NAME);
      nodes.add(jedis);
    }
    resetPeaks();
    sampler.scheduleAtFixedRate(this::sample, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Counts the live threads of the JVM but the test's own: the server's, the transport's, the
   * container's and the JVM's.
   *
   * @return the count
   */
  static int serverThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 256];
    int found = root.enumerate(threads, true);
    int count = 0;
    for (int i = 0; i < found; i++) {
      String name = threads[i].getName();
      if (TEST_THREADS.stream().noneMatch(name::startsWith)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Counts each node's connections from anyone but the probe ({@code CLIENT LIST}).
   *
   * @return per node, in the order given
   */
  synchronized RedisClients[] redisClients() {
    RedisClients[] counts = new RedisClients[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      int total = 0;
      int subscribed = 0;
      for (String client : nodes.get(i).clientList().split("\n")) {
        if (client.isBlank() || client.contains(" name=" + PROBE_NAME + " ")) {
          continue;
        }
        total++;
        if (field(client, "sub") + field(client, "psub") + field(client, "ssub") > 0) {
          subscribed++;
        }
      }
      counts[i] = new RedisClients(total, subscribed);
    }
    return counts;
  }

  private static int field(String client, String name) {
    String key = " " + name + "=";
    int at = client.indexOf(key);
    if (at < 0) {
      return 0;
    }
    int from = at + key.length();
    int to = from;
    while (to < client.length() && Character.isDigit(client.charAt(to))) {
      to++;
    }
    return to == from ? 0 : Integer.parseInt(client.substring(from, to));
  }

  /** Starts new peaks from the current counts. */
  synchronized void resetPeaks() {
    peakThreads = serverThreads();
    peakClients = redisClients();
  }

  /**
   * Returns the most threads {@link #serverThreads} counted since the last reset.
   *
   * @return the peak
   */
  synchronized int peakThreads() {
    return peakThreads;
  }

  /**
   * Returns, per node, the most connections and the most subscribed connections counted since the
   * last reset (each its own peak).
   *
   * @return per node
   */
  synchronized RedisClients[] peakClients() {
    return peakClients.clone();
  }

  private synchronized void sample() {
    try {
      samplePeaks();
    } catch (RuntimeException e) {
      // A lost sample only lowers a peak; the counts taken at each step still stand.
      log.warn("Sampling the instance's resources failed: {}", e.toString());
    }
  }

  private void samplePeaks() {
    peakThreads = Math.max(peakThreads, serverThreads());
    RedisClients[] now = redisClients();
    for (int i = 0; i < now.length; i++) {
      peakClients[i] =
          new RedisClients(
              Math.max(peakClients[i].total(), now[i].total()),
              Math.max(peakClients[i].subscribed(), now[i].subscribed()));
    }
  }

  @Override
  public void close() throws InterruptedException {
    sampler.shutdownNow();
    sampler.awaitTermination(10, TimeUnit.SECONDS);
    synchronized (this) {
      nodes.forEach(Jedis::close);
    }
  }
}
