package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.ConnectionRegistry;
import io.realtime.jakarta.ws.InstanceResources.RedisClients;
import io.realtime.jakarta.ws.ViewerFleet.Viewer;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.message.MessageCodec;
import io.realtime.redis.RedisServer;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import io.realtime.redis.RedisTransportConfig.HostPort;
import io.realtime.time.TimeSource;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Issue 15, point 5: the resources one instance spends on job-log viewers are bounded by its
 * configuration, not by how many viewers come. With {@value #VIEWERS} viewers of as many distinct
 * jobs, none of which has a line yet, on one instance on Jetty with the Redis transport (a private
 * Redis; then the 3-master Cluster):
 *
 * <ul>
 *   <li>each Redis node has at most the transport's command pool ({@link
 *       RedisTransportConfig#commandThreads()} connections) plus its subscriber connections ({@link
 *       RedisTransportConfig#subscriberConnections()}) plus {@value #TRANSIENT_CONNECTIONS} from
 *       the instance, at every sample of the run;
 *   <li>the JVM's threads, the test's own left out, grow by at most {@value #THREAD_GROWTH};
 *   <li>once the viewers left, the threads are back within {@value #THREADS_LEFT} of where they
 *       started and no connection is subscribed to anything the warm instance was not;
 *   <li>a line emitted on a job reaches its viewer within 100 ms at the 99th percentile, over one
 *       line on every {@value #SAMPLE_EVERY}th job, emitted one after the other.
 * </ul>
 *
 * <p>How it measures. The viewers are Jetty NIO WebSocket clients in this JVM ({@link
 * ViewerFleet}), spread over {@value #SOURCE_ADDRESSES} source addresses from 127.0.0.2, so the
 * default per-address rate limit (100 a minute plus 2) admits them all; their threads, named apart,
 * are started before anything is counted and are never counted. Jetty serves on a fixed pool of
 * {@value #SERVER_THREADS} threads, so the container's threads stay as they are and what grows is
 * the library's. The baseline is the instance warm: one viewer per source address opened, given a
 * line, and gone, so that pools sized by configuration (command and delivery threads) have their
 * threads before counting starts. A sampler records the peaks of threads and of each node's
 * connections ({@code CLIENT LIST}, the probe's own left out) every 250 ms. A viewer counts as live
 * once a first line emitted on its job after it connected reached it: from the backlog or live,
 * either way its subscription was confirmed. Every figure is logged, and every bound is checked
 * softly, so that one failing run reports them all.
 */
class ManyJobViewersIT {

  private static final Logger log = LoggerFactory.getLogger(ManyJobViewersIT.class);

  private static final int VIEWERS = 5_000;

  /** 127.0.0.2 to 127.0.0.65: at most 79 viewers and a warm-up one each, of 102 a minute. */
  private static final int SOURCE_ADDRESSES = 64;

  private static final int SAMPLE_EVERY = 5;
  private static final int HANDSHAKES_IN_FLIGHT = 200;

  /** Below the transport's default queue of 1,000 commands, so no emit is refused for load. */
  private static final int EMITS_IN_FLIGHT = 64;

  /**
   * Connections open a moment outside the pools: a liveness probe's fresh connection, a Cluster
   * slot-map refresh. The "about 20" is the pool (16) and the subscriber connection (1)
   * with these.
   */
  private static final int TRANSIENT_CONNECTIONS = 3;

  private static final int THREAD_GROWTH = 20;
  private static final int THREADS_LEFT = 5;
  private static final Duration P99_BOUND = Duration.ofMillis(100);
  private static final int SERVER_THREADS = 32;
  private static final long SAMPLE_PERIOD_MILLIS = 250;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration SESSION_IDLE_TIMEOUT = Duration.ofMinutes(10);

  @Test
  void standaloneRedis() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      measure(
          "standalone",
          RedisTransportConfig.builder().uri("redis://127.0.0.1:" + redis.port()).build(),
          List.of(redis.port()));
    }
  }

  @Test
  void redisClusterOfThreeMasters() throws Exception {
    List<RedisServer> nodes = new ArrayList<>();
    try {
      startCluster(nodes, 3);
      measure(
          "cluster",
          RedisTransportConfig.builder()
              .cluster(List.of(new HostPort("127.0.0.1", nodes.get(0).port())))
              .build(),
          nodes.stream().map(RedisServer::port).toList());
    } finally {
      for (RedisServer node : nodes) {
        node.close();
      }
    }
  }

  private void measure(String variant, RedisTransportConfig config, List<Integer> redisPorts)
      throws Exception {
    long openFilesNeeded = 2L * VIEWERS + 1_000;
    assertThat(maxOpenFiles())
        .as(
            "open files allowed to this JVM (ulimit -n): the viewers' and the server's sockets"
                + " alone take %,d",
            2 * VIEWERS)
        .isGreaterThanOrEqualTo(openFilesNeeded);
    Figures figures = new Figures(variant);
    long started = System.nanoTime();
    try (ViewerFleet fleet = ViewerFleet.start(SOURCE_ADDRESSES);
        Instance instance = Instance.start(config);
        InstanceResources resources = new InstanceResources(redisPorts, SAMPLE_PERIOD_MILLIS)) {
      warmUp(fleet, instance);
      figures.baselineThreads = InstanceResources.serverThreads();
      figures.baselineClients = resources.redisClients();
      resources.resetPeaks();

      List<String> jobs =
          IntStream.range(0, VIEWERS).mapToObj(i -> String.format("viewer-%05d", i)).toList();
      long opening = System.nanoTime();
      List<Viewer> viewers = fleet.open(instance.uris(jobs), HANDSHAKES_IN_FLIGHT);
      awaitRegistered(instance.registry, VIEWERS);
      figures.openSeconds = seconds(opening);
      long confirming = System.nanoTime();
      emitToEach(instance.emitter, jobs, "hello");
      awaitArrivals(viewers, "hello");
      figures.confirmSeconds = seconds(confirming);
      figures.threadsAtAll = InstanceResources.serverThreads();
      figures.clientsAtAll = resources.redisClients();
      figures.openFilesAtAll = openFiles();

      measureLatency(instance.emitter, jobs, viewers, figures);

      long leaving = System.nanoTime();
      viewers.forEach(Viewer::leave);
      awaitRegistered(instance.registry, 0);
      int subscribedBefore = subscribed(figures.baselineClients);
      figures.cameBack =
          awaitQuietly(
              () ->
                  InstanceResources.serverThreads() <= figures.baselineThreads + THREADS_LEFT
                      && subscribed(resources.redisClients()) <= subscribedBefore);
      figures.comeBackSeconds = seconds(leaving);
      figures.threadsAfter = InstanceResources.serverThreads();
      figures.clientsAfter = resources.redisClients();
      // Read last, so that the peaks cover the leaving too.
      figures.peakThreads = resources.peakThreads();
      figures.peakClients = resources.peakClients();
    } finally {
      figures.totalSeconds = seconds(started);
      log.info("{}", figures);
    }
    figures.check(config.commandThreads() + config.subscriberConnections() + TRANSIENT_CONNECTIONS);
  }

  /**
   * One viewer per source address, given a line and gone: the pools sized by configuration have
   * their threads, and the per-viewer ones are gone again once two samples agree.
   */
  private static void warmUp(ViewerFleet fleet, Instance instance) throws Exception {
    List<String> jobs = IntStream.range(0, SOURCE_ADDRESSES).mapToObj(i -> "warm-up-" + i).toList();
    List<Viewer> viewers = fleet.open(instance.uris(jobs), HANDSHAKES_IN_FLIGHT);
    awaitRegistered(instance.registry, jobs.size());
    emitToEach(instance.emitter, jobs, "hello");
    awaitArrivals(viewers, "hello");
    viewers.forEach(Viewer::leave);
    awaitRegistered(instance.registry, 0);
    int[] last = {-1};
    await()
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(500))
        .atMost(WAIT)
        .until(
            () -> {
              int now = InstanceResources.serverThreads();
              boolean settled = now == last[0];
              last[0] = now;
              return settled;
            });
  }

  /** Emits a line on each job, at most {@value #EMITS_IN_FLIGHT} at once, and waits for all. */
  private static void emitToEach(JobLogEmitter emitter, List<String> jobs, String message)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(EMITS_IN_FLIGHT);
    for (String job : jobs) {
      if (!inFlight.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("no emit finished in " + WAIT + ", at " + job);
      }
      emitter.emit(job, "INFO", message, null).whenComplete((stored, error) -> inFlight.release());
    }
    if (!inFlight.tryAcquire(EMITS_IN_FLIGHT, WAIT.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError("the last emits of '" + message + "' did not finish in " + WAIT);
    }
  }

  /**
   * One line on every {@value #SAMPLE_EVERY}th job, one after the other (each emit waits for
   * Redis's answer before the next starts): from just before the emit to its arrival.
   */
  private static void measureLatency(
      JobLogEmitter emitter, List<String> jobs, List<Viewer> viewers, Figures figures)
      throws Exception {
    List<Integer> sampled =
        IntStream.range(0, jobs.size()).filter(i -> i % SAMPLE_EVERY == 0).boxed().toList();
    long[] emitted = new long[sampled.size()];
    long measuring = System.nanoTime();
    for (int k = 0; k < sampled.size(); k++) {
      emitted[k] = System.nanoTime();
      emitter
          .emit(jobs.get(sampled.get(k)), "INFO", "probe", null)
          .toCompletableFuture()
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    awaitQuietly(() -> sampled.stream().allMatch(i -> viewers.get(i).arrival("probe").isDone()));
    long[] latencies = new long[sampled.size()];
    for (int k = 0; k < sampled.size(); k++) {
      CompletableFuture<Long> arrival = viewers.get(sampled.get(k)).arrival("probe");
      latencies[k] = arrival.isDone() ? arrival.join() - emitted[k] : Long.MAX_VALUE;
      if (!arrival.isDone()) {
        figures.linesMissing++;
      }
    }
    Arrays.sort(latencies);
    figures.lines = latencies.length;
    figures.latencySeconds = seconds(measuring);
    figures.p50Nanos = percentile(latencies, 50);
    figures.p99Nanos = percentile(latencies, 99);
    figures.maxNanos = latencies[latencies.length - 1];
  }

  private static long percentile(long[] sorted, int percent) {
    int rank = (int) Math.ceil(sorted.length * percent / 100.0);
    return sorted[Math.max(0, rank - 1)];
  }

  private static void awaitRegistered(ConnectionRegistry registry, int count) {
    await("the registry to count " + count + " connections")
        .atMost(WAIT)
        .until(() -> registry.count() == count);
  }

  /** Waits for every viewer to get a line; on a timeout, says how many did not and why. */
  private static void awaitArrivals(List<Viewer> viewers, String message) {
    if (awaitQuietly(() -> viewers.stream().allMatch(v -> v.arrival(message).isDone()))) {
      return;
    }
    List<Viewer> missing = viewers.stream().filter(v -> !v.arrival(message).isDone()).toList();
    Map<String, Long> closes =
        missing.stream()
            .map(v -> v.closed().getNow(null))
            .map(status -> status == null ? "open" : status.toString())
            .collect(Collectors.groupingBy(status -> status, TreeMap::new, Collectors.counting()));
    throw new AssertionError(
        String.format(
            "%,d of %,d viewers never got the line '%s' in %s; their states: %s",
            missing.size(), viewers.size(), message, WAIT, closes));
  }

  /** Waits until the condition holds, polling on this thread; tells whether it did in time. */
  private static boolean awaitQuietly(BooleanSupplier condition) {
    try {
      await()
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(100))
          .atMost(WAIT)
          .until(condition::getAsBoolean);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private static int subscribed(RedisClients[] nodes) {
    return Arrays.stream(nodes).mapToInt(RedisClients::subscribed).sum();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long maxOpenFiles() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : Long.MAX_VALUE;
  }

  private static long openFiles() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount()
        : -1;
  }

  /** Starts a Cluster of masters without replicas on private servers, added to {@code nodes}. */
  private static void startCluster(List<RedisServer> nodes, int masters) throws Exception {
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int i = 0; i < masters; i++) {
      RedisServer node =
          RedisServer.start(
              "--cluster-enabled", "yes",
              "--cluster-config-file", "nodes.conf",
              "--cluster-node-timeout", "2000");
      nodes.add(node);
      create.add("127.0.0.1:" + node.port());
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
    }
    for (RedisServer node : nodes) {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                  return jedis.clusterInfo().contains("cluster_state:ok");
                }
              });
    }
  }

  /** The instance under test: the job-log endpoint on Jetty, on a Redis transport. */
  private static final class Instance implements AutoCloseable {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ConnectionRegistry registry;
    private JobLogEmitter emitter;
    private int port;

    static Instance start(RedisTransportConfig config) throws Exception {
      Instance instance = new Instance();
      try {
        instance.startOn(config);
      } catch (Exception e) {
        instance.close();
        throw e;
      }
      return instance;
    }

    private void startOn(RedisTransportConfig config) throws Exception {
      RedisTransport transport = RedisTransport.create(config);
      closeables.add(transport);
      ConnectionRegistry connections = ConnectionRegistry.builder().build();
      closeables.add(() -> connections.shutdown(Duration.ofSeconds(5)).join());
      registry = connections;
      emitter = new JobLogEmitter(transport, MessageCodec.json(), TimeSource.system());
      closeables.add(emitter);
      RealtimeWebSocket websocket = RealtimeWebSocket.builder(registry).jobLogs(emitter).build();
      closeables.add(websocket);
      // Fixed, so that the container's threads do not grow with the load: what grows is ours; the
      // viewers only listen: Jetty's default of 30 s idle would close them mid-run.
      JettyServer jetty = new JettyServer(SERVER_THREADS, SESSION_IDLE_TIMEOUT);
      closeables.add(jetty);
      port = jetty.start(websocket);
    }

    List<URI> uris(List<String> jobs) {
      return jobs.stream()
          .map(job -> URI.create("ws://127.0.0.1:" + port + "/ws/jobs/" + job + "/logs"))
          .toList();
    }

    @Override
    public void close() throws Exception {
      for (int i = closeables.size() - 1; i >= 0; i--) {
        closeables.get(i).close();
      }
    }
  }

  /** What one run measured, logged in one line and checked against the bounds. */
  private static final class Figures {
    final String variant;
    int baselineThreads;
    int threadsAtAll;
    int peakThreads;
    int threadsAfter;
    RedisClients[] baselineClients = new RedisClients[0];
    RedisClients[] clientsAtAll = new RedisClients[0];
    RedisClients[] peakClients = new RedisClients[0];
    RedisClients[] clientsAfter = new RedisClients[0];
    long openFilesAtAll;
    int lines;
    int linesMissing;
    long p50Nanos;
    long p99Nanos;
    long maxNanos;
    boolean cameBack;
    double openSeconds;
    double confirmSeconds;
    double latencySeconds;
    double comeBackSeconds;
    double totalSeconds;

    Figures(String variant) {
      this.variant = variant;
    }

    void check(int connectionBound) {
      SoftAssertions softly = new SoftAssertions();
      for (int node = 0; node < peakClients.length; node++) {
        softly
            .assertThat(peakClients[node].total())
            .as(
                "%s: peak Redis connections to node %d with %,d viewers (bound: command pool,"
                    + " subscriber connections and %d transient ones)",
                variant, node, VIEWERS, TRANSIENT_CONNECTIONS)
            .isLessThanOrEqualTo(connectionBound);
        softly
            .assertThat(clientsAfter[node].total())
            .as("%s: Redis connections to node %d once the viewers left", variant, node)
            .isLessThanOrEqualTo(connectionBound);
      }
      softly
          .assertThat(peakThreads - baselineThreads)
          .as(
              "%s: JVM threads grown with %,d viewers (peak %,d over a warm baseline of %,d)",
              variant, VIEWERS, peakThreads, baselineThreads)
          .isLessThanOrEqualTo(THREAD_GROWTH);
      softly
          .assertThat(cameBack)
          .as(
              "%s: within %s of the viewers leaving, threads within %d of the baseline (%,d now,"
                  + " %,d before) and no more subscribed Redis connections than before (%d now,"
                  + " %d before)",
              variant,
              WAIT,
              THREADS_LEFT,
              threadsAfter,
              baselineThreads,
              subscribed(clientsAfter),
              subscribed(baselineClients))
          .isTrue();
      softly
          .assertThat(linesMissing)
          .as("%s: sampled lines that never reached their viewer, of %,d", variant, lines)
          .isZero();
      softly
          .assertThat(Duration.ofNanos(p99Nanos))
          .as("%s: 99th percentile from emit to viewer over %,d lines", variant, lines)
          .isLessThanOrEqualTo(P99_BOUND);
      softly.assertAll();
    }

    @Override
    public String toString() {
      return String.format(
          "%s, %,d viewers of distinct jobs: threads %,d warm, %,d with all viewers live, peak"
              + " %,d (+%,d), %,d after they left%s; Redis connections per node (total/subscribed)"
              + " %s warm, %s with all live, peak %s, %s after; open files with all live %,d;"
              + " latency over %,d lines: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d missing;"
              + " times: open %.1f s, first line to all %.1f s, latency %.1f s, leave and come"
              + " back %.1f s, all %.1f s",
          variant,
          VIEWERS,
          baselineThreads,
          threadsAtAll,
          peakThreads,
          peakThreads - baselineThreads,
          threadsAfter,
          cameBack ? "" : " (not back in " + WAIT + ")",
          clients(baselineClients),
          clients(clientsAtAll),
          clients(peakClients),
          clients(clientsAfter),
          openFilesAtAll,
          lines,
          millis(p50Nanos),
          millis(p99Nanos),
          millis(maxNanos),
          linesMissing,
          openSeconds,
          confirmSeconds,
          latencySeconds,
          comeBackSeconds,
          totalSeconds);
    }

    private static String clients(RedisClients[] nodes) {
      return Arrays.stream(nodes)
          .map(node -> node.total() + "/" + node.subscribed())
          .collect(Collectors.joining(" ", "[", "]"));
    }

    private static double millis(long nanos) {
      return nanos == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : nanos / 1e6;
    }
  }
}
