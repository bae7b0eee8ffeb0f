package io.realtime.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The scenarios, each run against one system at a time; results go to a shared map, scenario to
 * system to metric.
 *
 * <ul>
 *   <li><b>fan-out</b>: one instance, N clients, events published in batches as fast as all clients
 *       take them: delivered messages per second and server CPU seconds per million deliveries;
 *   <li><b>latency</b>: two instances through Redis, clients split between them, events published
 *       at a fixed rate on the first: p50 / p99 / p99.9 from publish to receive; then the same at
 *       an <b>overload</b> rate beyond this machine: delivered fraction, p99 and clients closed;
 *       then the <b>probe</b>: one client on the second instance, {@value #PROBE_RATE} events/s,
 *       the path's own p50 / p99;
 *   <li><b>knee</b>: the same two instances, the rate raised step by step until p99 passes 50 ms, a
 *       client is closed or deliveries fall behind (see {@link Curves}): the highest sustained
 *       deliveries per second, and p99 against rate;
 *   <li><b>connections</b>: idle clients answering heartbeats, held by as many server processes as
 *       the descriptor limit requires ({@value #CONNECTIONS_PER_SERVER} each): how many, and heap
 *       and resident bytes per connection after a full GC, in all and per process;
 *   <li><b>slow consumers</b>: the same paced load with and without 10 % of clients that stop
 *       reading: the healthy clients' p99 against the baseline, the server's peak resident memory
 *       and its live heap (after a full GC) at the end.
 * </ul>
 */
final class Scenarios {

  /**
   * The most connections one server process holds: a descriptor each under a limit of 20,000 here,
   * with room for the process's own.
   */
  static final int CONNECTIONS_PER_SERVER = 10_000;

  /**
   * JVM options of the Java servers in the connections scenario: after the full GC before each
   * reading the heap gives back what is more than 20 % free, so resident memory reflects what the
   * connections hold rather than how far G1 grew the heap for the garbage of their handshakes.
   */
  private static final List<String> HEAP_FOLLOWS_LIVE_DATA =
      List.of("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20");

  /** Events a second of the one-client probe: far below any limit, so only the path is timed. */
  private static final int PROBE_RATE = 50;

  /** The most connections one client process opens: a descriptor each, as for the servers. */
  private static final int CONNECTIONS_PER_WORKER = 9_500;

  private final ScenarioSettings settings;
  private final ServerProcess.Launch launch;
  private final String redis;
  private final String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private final Map<String, Map<String, Map<String, Object>>> results = new LinkedHashMap<>();

  Scenarios(ScenarioSettings settings, ServerProcess.Launch launch, String redis) {
    this.settings = settings;
    this.launch = launch;
    this.redis = redis;
  }

  /** Runs the chosen scenarios against one system. */
  void run(String system, List<String> scenarios) throws Exception {
    if (scenarios.contains("fan-out")) {
      fanOut(system);
    }
    if (scenarios.contains("latency")) {
      latency(system, "latency", settings.latencyClients(), settings.latencyRate());
      latency(system, "overload", settings.latencyClients(), settings.overloadRate());
      // One client on the second instance: the cross-instance path's own cost, without fan-out.
      latency(system, "probe", 1, PROBE_RATE);
    }
    if (scenarios.contains("knee")) {
      knee(system);
    }
    if (scenarios.contains("connections")) {
      connections(system);
    }
    if (scenarios.contains("slow-consumers")) {
      slowConsumers(system);
    }
  }

  /** Scenario to system to metric. */
  Map<String, Map<String, Map<String, Object>>> results() {
    return results;
  }

  ScenarioSettings settings() {
    return settings;
  }

  private Map<String, Object> result(String scenario, String system) {
    return results
        .computeIfAbsent(scenario, s -> new LinkedHashMap<>())
        .computeIfAbsent(system, s -> new LinkedHashMap<>());
  }

  private void log(String format, Object... args) {
    LoadHarness.OUT.println("[" + Instant.now() + "] " + String.format(Locale.ROOT, format, args));
  }

  // ---- fan-out ------------------------------------------------------------------------------

  private void fanOut(String system) throws Exception {
    Map<String, Object> result = result("fan-out", system);
    LatencyRecorder latencies = new LatencyRecorder();
    try (ServerProcess server = ServerProcess.start(launch, system, null, "fanout_" + runId, 30);
        Clients clients = new Clients(server.protocol, latencies)) {
      clients.open(settings.fanoutClients(), server.port, 0, 0);
      int receivers = awaitConnections(server, clients.opened());
      log("fan-out %s: %d clients", system, receivers);
      server.publish(settings.fanoutBatch()); // warm-up batch
      awaitDelivered(clients, (long) settings.fanoutBatch() * receivers, Duration.ofSeconds(30));
      long delivered0 = clients.delivered();
      long cpu0 = server.cpuNanos();
      long start = System.nanoTime();
      long published = 0;
      boolean stalled = false;
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(settings.fanoutSeconds())) {
        server.publish(settings.fanoutBatch());
        published += settings.fanoutBatch();
        if (!awaitDelivered(clients, delivered0 + published * receivers, Duration.ofSeconds(20))) {
          stalled = true;
          break;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long deliveries = clients.delivered() - delivered0;
      double cpuSeconds = (server.cpuNanos() - cpu0) / 1e9;
      result.put("clients", receivers);
      result.put("events_published", published);
      result.put("deliveries", deliveries);
      result.put("seconds", round(seconds));
      result.put("delivered_per_second", Math.round(deliveries / seconds));
      result.put(
          "cpu_seconds_per_million",
          deliveries == 0 ? null : round(cpuSeconds / (deliveries / 1e6)));
      result.put("stalled", stalled);
      log("fan-out %s: %s", system, result);
    }
  }

  private static boolean awaitDelivered(Clients clients, long target, Duration quiet) {
    long lastProgress = System.nanoTime();
    long last = clients.delivered();
    while (clients.delivered() < target) {
      LockSupport.parkNanos(200_000);
      long now = clients.delivered();
      if (now != last) {
        last = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > quiet.toNanos()) {
        return false;
      }
    }
    return true;
  }

  /** Waits until the server holds the expected connections; returns how many it holds. */
  private static int awaitConnections(ServerProcess server, int expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int held;
    while ((held = server.stats(false).connections()) < expected && System.nanoTime() < deadline) {
      LockSupport.parkNanos(50_000_000);
    }
    return held;
  }

  // ---- cross-instance latency -----------------------------------------------------------------

  private void latency(String system, String scenario, int clientCount, int rate) throws Exception {
    Map<String, Object> result = result(scenario, system);
    LatencyRecorder latencies = new LatencyRecorder();
    try (TwoInstances pair = new TwoInstances(system, scenario, clientCount, latencies)) {
      Clients clients = pair.clients;
      int seconds = settings.latencyWarmupSeconds() + settings.latencySeconds();
      log(
          "%s %s: %d clients on two instances, %d events/s for %d s",
          scenario, system, clients.opened(), rate, seconds);
      pair.first.pace(rate, seconds);
      sleep(Duration.ofSeconds(settings.latencyWarmupSeconds()));
      latencies.reset();
      long delivered0 = clients.delivered();
      sleep(Duration.ofSeconds(settings.latencySeconds()).plusMillis(500));
      long expected = (long) rate * settings.latencySeconds() * clients.opened();
      LatencyRecorder.Summary summary = latencies.summary();
      result.put("clients", clients.opened());
      result.put("events_per_second", rate);
      result.put("samples", summary.samples());
      result.put(
          "delivered_fraction", round((double) (clients.delivered() - delivered0) / expected));
      result.put("p50_ms", summary.p50Ms());
      result.put("p99_ms", summary.p99Ms());
      result.put("p999_ms", summary.p999Ms());
      result.put("clients_closed", clients.closedByServer());
      log("%s %s: %s", scenario, system, result);
    }
  }

  /** Two instances of a system through Redis, with clients split evenly between them. */
  private final class TwoInstances implements AutoCloseable {
    final ServerProcess first;
    final ServerProcess second;
    final Clients clients;

    TwoInstances(String system, String scenario, int count, LatencyRecorder latencies)
        throws Exception {
      String channel = scenario + "_" + runId + "_" + system;
      first = ServerProcess.start(launch, system, redis, channel, 30);
      try {
        second = ServerProcess.start(launch, system, redis, channel, 30);
      } catch (Exception | Error e) {
        first.close();
        throw e;
      }
      clients = new Clients(first.protocol, latencies);
      clients.open(count / 2, first.port, 0, 0);
      clients.open(count - count / 2, second.port, 0, 0);
      awaitConnections(first, count / 2);
      awaitConnections(second, count - count / 2);
    }

    @Override
    public void close() {
      clients.close();
      second.close();
      first.close();
    }
  }

  // ---- the knee -----------------------------------------------------------------------------

  private void knee(String system) throws Exception {
    Map<String, Object> result = result("knee", system);
    ScenarioSettings.KneeSettings knee = settings.knee();
    LatencyRecorder latencies = new LatencyRecorder();
    List<Curves.Step> steps = new ArrayList<>();
    List<Map<String, Object>> curve = new ArrayList<>();
    long samples = 0;
    try (TwoInstances pair = new TwoInstances(system, "knee", knee.clients(), latencies)) {
      Clients clients = pair.clients;
      log("knee %s: %d clients on two instances", system, clients.opened());
      pair.first.pace(knee.startRate(), knee.warmupSeconds());
      sleep(Duration.ofSeconds(knee.warmupSeconds()));
      for (int rate : Curves.rates(knee.startRate(), knee.factor(), knee.steps())) {
        pair.first.pace(rate, knee.settleSeconds() + knee.measureSeconds());
        sleep(Duration.ofSeconds(knee.settleSeconds()));
        latencies.reset();
        long delivered0 = clients.delivered();
        long start = System.nanoTime();
        sleep(Duration.ofSeconds(knee.measureSeconds()));
        long delivered = clients.delivered() - delivered0;
        double seconds = (System.nanoTime() - start) / 1e9;
        LatencyRecorder.Summary summary = latencies.summary();
        samples += summary.samples();
        Curves.Step step =
            new Curves.Step(
                rate,
                clients.opened(),
                Math.round(delivered / seconds),
                round(delivered / (rate * seconds * clients.opened())),
                summary.p99Ms(),
                clients.closedByServer());
        steps.add(step);
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("events_per_second", rate);
        point.put("deliveries_per_second", step.deliveriesPerSecond());
        point.put("delivered_fraction", step.deliveredFraction());
        point.put("p50_ms", summary.p50Ms());
        point.put("p99_ms", summary.p99Ms());
        point.put("clients_closed", step.closed());
        curve.add(point);
        log("knee %s: %s", system, point);
        if (!step.sustained()) {
          break;
        }
      }
      Curves.Knee found = Curves.knee(steps);
      result.put("clients", clients.opened());
      result.put("samples", samples);
      result.put(
          "knee_events_per_second", found.sustained() == null ? 0 : found.sustained().rate());
      result.put(
          "knee_deliveries_per_second",
          found.sustained() == null ? 0 : found.sustained().deliveriesPerSecond());
      result.put("knee_p99_ms", found.sustained() == null ? null : found.sustained().p99Ms());
      result.put("stopped_by", found.stoppedBy());
      result.put(
          "first_failed_events_per_second", found.failed() == null ? null : found.failed().rate());
      result.put("curve", curve);
      log("knee %s: %s", system, result);
    }
  }

  // ---- connections ----------------------------------------------------------------------------

  private void connections(String system) throws Exception {
    Map<String, Object> result = result("connections", system);
    // Each server holds a descriptor per connection: past the limit the target is split over
    // several server processes, each reported on its own.
    int servers =
        Math.max(1, (settings.connections() + CONNECTIONS_PER_SERVER - 1) / CONNECTIONS_PER_SERVER);
    List<ServerProcess> started = new ArrayList<>();
    List<Process> workers = new ArrayList<>();
    try {
      List<long[]> baselines = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        ServerProcess server =
            ServerProcess.start(
                launch, system, null, "conn_" + runId, 5, List.of(), HEAP_FOLLOWS_LIVE_DATA);
        started.add(server);
        baselines.add(new long[] {server.stats(true).heapUsed(), settledRss(server)});
      }
      int opened = 0;
      int failed = 0;
      for (int i = 0; i < servers; i++) {
        int share =
            settings.connections() / servers + (i < settings.connections() % servers ? 1 : 0);
        int count = (share + CONNECTIONS_PER_WORKER - 1) / CONNECTIONS_PER_WORKER;
        for (int w = 0; w < count; w++) {
          workers.add(worker(started.get(i), share / count + (w < share % count ? 1 : 0)));
        }
      }
      for (Process worker : workers) {
        BufferedReader lines =
            new BufferedReader(
                new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        String line = lines.readLine();
        if (line != null && line.startsWith("ready ")) {
          String[] parts = line.split(" ");
          opened += Integer.parseInt(parts[1]);
          failed += Integer.parseInt(parts[2]);
        }
      }
      log(
          "connections %s: %d opened, %d failed on %d server process(es); holding %d s",
          system, opened, failed, servers, settings.holdSeconds());
      sleep(Duration.ofSeconds(settings.holdSeconds()));
      List<Map<String, Object>> processes = new ArrayList<>();
      int held = 0;
      long heapGrowth = 0;
      long rssGrowth = 0;
      for (int i = 0; i < servers; i++) {
        ServerProcess.Stats stats = started.get(i).stats(true);
        long heap = stats.heapUsed() - baselines.get(i)[0];
        long rss = settledRss(started.get(i)) - baselines.get(i)[1];
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("held", stats.connections());
        process.put("heap_bytes_per_connection", perConnection(heap, stats.connections()));
        process.put("rss_bytes_per_connection", perConnection(rss, stats.connections()));
        process.put("threads", stats.threads());
        processes.add(process);
        held += stats.connections();
        heapGrowth += heap;
        rssGrowth += rss;
      }
      result.put("target", settings.connections());
      result.put("opened", opened);
      result.put("failed", failed);
      result.put("held", held);
      result.put("heap_bytes_per_connection", perConnection(heapGrowth, held));
      result.put("rss_bytes_per_connection", perConnection(rssGrowth, held));
      result.put("processes", processes);
      log("connections %s: %s", system, result);
    } finally {
      try {
        for (Process worker : workers) {
          stopWorker(worker);
        }
      } finally {
        for (ServerProcess server : started) {
          server.close();
        }
      }
    }
  }

  /** Ends a client process (closing its input tells it to go), forcibly if it does not. */
  private static void stopWorker(Process worker) throws InterruptedException {
    try {
      worker.getOutputStream().close();
    } catch (IOException e) {
      worker.destroyForcibly();
    }
    if (!worker.waitFor(20, TimeUnit.SECONDS)) {
      worker.destroyForcibly();
    }
  }

  /**
   * Resident memory once it stops moving after a full GC: G1 gives heap back to the system on a
   * thread of its own after the collection, so a reading taken at once would still count it.
   */
  private static long settledRss(ServerProcess server) throws IOException, InterruptedException {
    long previous = server.rssBytes();
    for (int i = 0; i < 20; i++) {
      sleep(Duration.ofMillis(250));
      long now = server.rssBytes();
      if (Math.abs(now - previous) < (1 << 20)) {
        return now;
      }
      previous = now;
    }
    return previous;
  }

  /** A client process holding {@code count} idle connections to {@code server}. */
  private Process worker(ServerProcess server, int count) throws IOException {
    return new ProcessBuilder(
            launch.java(),
            "-Xmx3g",
            "-cp",
            launch.jar().toString(),
            ConnectionWorker.class.getName(),
            server.protocol.name(),
            Integer.toString(server.port),
            Integer.toString(count))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static Long perConnection(long bytes, int held) {
    return held == 0 ? null : bytes / held;
  }

  // ---- slow consumers ------------------------------------------------------------------------

  private void slowConsumers(String system) throws Exception {
    Map<String, Object> result = result("slow-consumers", system);
    Map<String, Object> baseline = paced(system, 0);
    Map<String, Object> slow = paced(system, 10);
    result.put("clients", settings.slowClients());
    result.put("events_per_second", settings.slowRate());
    result.put("baseline_p50_ms", baseline.get("p50_ms"));
    result.put("baseline_p99_ms", baseline.get("p99_ms"));
    result.put("slow_p99_ms", slow.get("p99_ms"));
    Object base = baseline.get("p99_ms");
    Object with = slow.get("p99_ms");
    result.put(
        "p99_ratio",
        base instanceof Double b && with instanceof Double w && b > 0 ? round(w / b) : null);
    result.put("baseline_delivered_fraction", baseline.get("delivered_fraction"));
    result.put("slow_delivered_fraction", slow.get("delivered_fraction"));
    result.put("baseline_live_heap_mb", baseline.get("live_heap_mb"));
    result.put("slow_live_heap_mb", slow.get("live_heap_mb"));
    result.put("baseline_peak_rss_mb", baseline.get("peak_rss_mb"));
    result.put("slow_peak_rss_mb", slow.get("peak_rss_mb"));
    result.put("stalled_clients_disconnected_by_server", slow.get("disconnected"));
    log("slow consumers %s: %s", system, result);
  }

  /** One paced run; every {@code stallEvery}-th client stops reading after 5 events. */
  private Map<String, Object> paced(String system, int stallEvery) throws Exception {
    Map<String, Object> run = new LinkedHashMap<>();
    LatencyRecorder latencies = new LatencyRecorder();
    try (ServerProcess server = ServerProcess.start(launch, system, null, "slow_" + runId, 30);
        Clients clients = new Clients(server.protocol, latencies)) {
      clients.open(settings.slowClients(), server.port, 5, stallEvery);
      awaitConnections(server, clients.opened());
      int stalled = stallEvery == 0 ? 0 : (clients.opened() + stallEvery - 1) / stallEvery;
      AtomicLong peakRss = new AtomicLong();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> {
            try {
              peakRss.accumulateAndGet(server.rssBytes(), Math::max);
            } catch (IOException e) {
              // the next sample will tell
            }
          },
          0,
          250,
          TimeUnit.MILLISECONDS);
      server.pace(settings.slowRate(), settings.latencyWarmupSeconds() + settings.slowSeconds());
      sleep(Duration.ofSeconds(settings.latencyWarmupSeconds()));
      latencies.reset();
      long delivered0 = clients.delivered();
      sleep(Duration.ofSeconds(settings.slowSeconds()).plusMillis(1_000));
      sampler.shutdownNow();
      sampler.awaitTermination(5, TimeUnit.SECONDS);
      long healthy = clients.opened() - stalled;
      long expected = (long) settings.slowRate() * settings.slowSeconds() * healthy;
      long delivered = clients.delivered() - delivered0;
      LatencyRecorder.Summary summary = latencies.summary();
      run.put("p50_ms", summary.p50Ms());
      run.put("p99_ms", summary.p99Ms());
      run.put("delivered_fraction", expected == 0 ? null : round((double) delivered / expected));
      ServerProcess.Stats end = server.stats(true);
      run.put("live_heap_mb", round(end.heapUsed() / 1e6));
      run.put("peak_rss_mb", round(peakRss.get() / 1e6));
      run.put("disconnected", clients.opened() - end.connections());
    }
    return run;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static void sleep(Duration duration) throws InterruptedException {
    // The measuring window itself: the load runs in the server processes meanwhile.
    Thread.sleep(duration.toMillis());
  }
}
