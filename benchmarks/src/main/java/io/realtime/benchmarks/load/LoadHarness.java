package io.realtime.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs every scenario against every system in one go and reports a table and a JSON file.
 *
 * <ul>
 *   <li><b>fan-out</b>: one instance, N clients, events published in batches as fast as all clients
 *       take them: delivered messages per second and server CPU seconds per million deliveries;
 *   <li><b>latency</b>: two instances through Redis, clients split between them, events published
 *       at a fixed rate on the first: p50 / p99 / p99.9 from publish to receive;
 *   <li><b>connections</b>: idle clients answering heartbeats, held by one instance: how many, and
 *       heap bytes per connection after a full GC;
 *   <li><b>slow consumers</b>: the same paced load with and without 10 % of clients that stop
 *       reading: the healthy clients' p99 against the baseline, the server's peak resident memory
 *       and its live heap (after a full GC) at the end.
 * </ul>
 *
 * <p>Arguments: {@code --mode quick|full --out FILE --jar BENCHMARKS_JAR --java JAVA --node NODE
 * --node-dir DIR --redis URI [--systems realtime,socketio,bare] [--scenarios
 * fan-out,latency,connections,slow-consumers]}.
 */
public final class LoadHarness {

  private static final List<String> ALL_SYSTEMS = List.of("realtime", "socketio", "bare");
  private static final List<String> ALL_SCENARIOS =
      List.of("fan-out", "latency", "connections", "slow-consumers");
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** The size of each scenario. */
  record Settings(
      int fanoutClients,
      int fanoutBatch,
      int fanoutSeconds,
      int latencyClients,
      int latencyRate,
      int reducedLatencyRate,
      int latencyWarmupSeconds,
      int latencySeconds,
      int connections,
      int holdSeconds,
      int slowClients,
      int slowRate,
      int slowSeconds) {

    static Settings of(String mode) {
      return switch (mode) {
        case "quick" -> new Settings(200, 50, 2, 100, 200, 50, 1, 2, 1_000, 2, 50, 100, 2);
        case "full" ->
            new Settings(1_000, 100, 15, 500, 1_000, 100, 3, 15, 19_000, 12, 50, 1_000, 30);
        default ->
            throw new IllegalArgumentException("--mode must be quick or full, got '" + mode + "'");
      };
    }
  }

  private final Settings settings;
  private final ServerProcess.Launch launch;
  private final String redis;
  private final String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private final Map<String, Map<String, Map<String, Object>>> results = new LinkedHashMap<>();

  private LoadHarness(Settings settings, ServerProcess.Launch launch, String redis) {
    this.settings = settings;
    this.launch = launch;
    this.redis = redis;
  }

  /**
   * Runs the harness.
   *
   * @param args see the class comment
   * @throws Exception if a server cannot start
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    String mode = options.getOrDefault("--mode", "quick");
    Path out = Path.of(options.getOrDefault("--out", "benchmarks/target/load-results.json"));
    ServerProcess.Launch launch =
        new ServerProcess.Launch(
            options.getOrDefault("--java", "java"),
            Path.of(options.getOrDefault("--jar", "benchmarks/target/benchmarks.jar")),
            options.getOrDefault("--node", "node"),
            Path.of(options.getOrDefault("--node-dir", "benchmarks/node")),
            out.resolveSibling("load-logs"));
    List<String> systems =
        List.of(options.getOrDefault("--systems", String.join(",", ALL_SYSTEMS)).split(","));
    LoadHarness harness =
        new LoadHarness(
            Settings.of(mode), launch, options.getOrDefault("--redis", "redis://127.0.0.1:6379"));
    Instant started = Instant.now();
    List<String> scenarios =
        List.of(options.getOrDefault("--scenarios", String.join(",", ALL_SCENARIOS)).split(","));
    for (String system : systems) {
      if (scenarios.contains("fan-out")) {
        harness.fanOut(system);
      }
      if (scenarios.contains("latency")) {
        harness.latency(system, "latency", harness.settings.latencyRate());
        harness.latency(system, "latency-reduced", harness.settings.reducedLatencyRate());
      }
      if (scenarios.contains("connections")) {
        harness.connections(system);
      }
      if (scenarios.contains("slow-consumers")) {
        harness.slowConsumers(system);
      }
    }
    Map<String, Object> report = harness.report(mode, systems, started, options);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    new ReportTable(harness.results, systems).print(OUT);
    OUT.println("JSON: " + out);
    List<String> problems = harness.smokeProblems(systems, scenarios);
    if (!problems.isEmpty()) {
      problems.forEach(p -> OUT.println("SMOKE FAILURE: " + p));
      System.exit(1);
    }
  }

  private Map<String, Object> result(String scenario, String system) {
    return results
        .computeIfAbsent(scenario, s -> new LinkedHashMap<>())
        .computeIfAbsent(system, s -> new LinkedHashMap<>());
  }

  private void log(String format, Object... args) {
    OUT.println("[" + Instant.now() + "] " + String.format(Locale.ROOT, format, args));
  }

  // ---- fan-out ------------------------------------------------------------------------------

  private void fanOut(String system) throws Exception {
    Map<String, Object> result = result("fan-out", system);
    LatencyHistogram latencies = new LatencyHistogram();
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

  private void latency(String system, String scenario, int rate) throws Exception {
    Map<String, Object> result = result(scenario, system);
    LatencyHistogram latencies = new LatencyHistogram();
    String channel = "latency_" + runId + "_" + system;
    try (ServerProcess first = ServerProcess.start(launch, system, redis, channel, 30);
        ServerProcess second = ServerProcess.start(launch, system, redis, channel, 30);
        Clients clients = new Clients(first.protocol, latencies)) {
      clients.open(settings.latencyClients() / 2, first.port, 0, 0);
      clients.open(settings.latencyClients() - settings.latencyClients() / 2, second.port, 0, 0);
      awaitConnections(first, settings.latencyClients() / 2);
      awaitConnections(second, settings.latencyClients() - settings.latencyClients() / 2);
      int seconds = settings.latencyWarmupSeconds() + settings.latencySeconds();
      log(
          "%s %s: %d clients on two instances, %d events/s for %d s",
          scenario, system, clients.opened(), rate, seconds);
      first.pace(rate, seconds);
      sleep(Duration.ofSeconds(settings.latencyWarmupSeconds()));
      latencies.reset();
      long delivered0 = clients.delivered();
      sleep(Duration.ofSeconds(settings.latencySeconds()).plusMillis(500));
      long expected = (long) rate * settings.latencySeconds() * clients.opened();
      result.put("clients", clients.opened());
      result.put("events_per_second", rate);
      result.put("samples", latencies.count());
      result.put(
          "delivered_fraction", round((double) (clients.delivered() - delivered0) / expected));
      result.put("p50_ms", millis(latencies.quantile(0.50)));
      result.put("p99_ms", millis(latencies.quantile(0.99)));
      result.put("p999_ms", millis(latencies.quantile(0.999)));
      log("%s %s: %s", scenario, system, result);
    }
  }

  // ---- connections ----------------------------------------------------------------------------

  private void connections(String system) throws Exception {
    Map<String, Object> result = result("connections", system);
    try (ServerProcess server = ServerProcess.start(launch, system, null, "conn_" + runId, 5)) {
      long heap0 = server.stats(true).heapUsed();
      long rss0 = server.rssBytes();
      int workers = Math.max(1, (settings.connections() + 9_499) / 9_500);
      List<Process> processes = new ArrayList<>();
      int opened = 0;
      int failed = 0;
      try {
        for (int i = 0; i < workers; i++) {
          int count =
              settings.connections() / workers + (i < settings.connections() % workers ? 1 : 0);
          processes.add(
              new ProcessBuilder(
                      launch.java(),
                      "-Xmx3g",
                      "-cp",
                      launch.jar().toString(),
                      ConnectionWorker.class.getName(),
                      server.protocol.name(),
                      Integer.toString(server.port),
                      Integer.toString(count))
                  .redirectError(ProcessBuilder.Redirect.INHERIT)
                  .start());
        }
        for (Process worker : processes) {
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
            "connections %s: %d opened, %d failed; holding %d s",
            system, opened, failed, settings.holdSeconds());
        sleep(Duration.ofSeconds(settings.holdSeconds()));
        ServerProcess.Stats stats = server.stats(true);
        long rss = server.rssBytes();
        int held = stats.connections();
        result.put("target", settings.connections());
        result.put("opened", opened);
        result.put("failed", failed);
        result.put("held", held);
        result.put(
            "heap_bytes_per_connection", held == 0 ? null : (stats.heapUsed() - heap0) / held);
        result.put("rss_bytes_per_connection", held == 0 ? null : (rss - rss0) / held);
        log("connections %s: %s", system, result);
      } finally {
        for (Process worker : processes) {
          worker.getOutputStream().close();
          if (!worker.waitFor(20, TimeUnit.SECONDS)) {
            worker.destroyForcibly();
          }
        }
      }
    }
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
    LatencyHistogram latencies = new LatencyHistogram();
    try (ServerProcess server = ServerProcess.start(launch, system, null, "slow_" + runId, 30);
        Clients clients = new Clients(server.protocol, latencies)) {
      clients.open(settings.slowClients(), server.port, 5, stallEvery);
      awaitConnections(server, clients.opened());
      int stalled = stallEvery == 0 ? 0 : (clients.opened() + stallEvery - 1) / stallEvery;
      AtomicLong peakRss = new AtomicLong();
      Thread sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  try {
                    peakRss.accumulateAndGet(server.rssBytes(), Math::max);
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  } catch (IOException e) {
                    // the next sample will tell
                  }
                }
              },
              "memory-sampler");
      sampler.start();
      server.pace(settings.slowRate(), settings.latencyWarmupSeconds() + settings.slowSeconds());
      sleep(Duration.ofSeconds(settings.latencyWarmupSeconds()));
      latencies.reset();
      long delivered0 = clients.delivered();
      sleep(Duration.ofSeconds(settings.slowSeconds()).plusMillis(1_000));
      sampler.interrupt();
      sampler.join();
      long healthy = clients.opened() - stalled;
      long expected = (long) settings.slowRate() * settings.slowSeconds() * healthy;
      long delivered = clients.delivered() - delivered0;
      run.put("p50_ms", millis(latencies.quantile(0.50)));
      run.put("p99_ms", millis(latencies.quantile(0.99)));
      run.put("delivered_fraction", expected == 0 ? null : round((double) delivered / expected));
      ServerProcess.Stats end = server.stats(true);
      run.put("live_heap_mb", round(end.heapUsed() / 1e6));
      run.put("peak_rss_mb", round(peakRss.get() / 1e6));
      run.put("disconnected", clients.opened() - end.connections());
    }
    return run;
  }

  // ---- report --------------------------------------------------------------------------------

  private Map<String, Object> report(
      String mode, List<String> systems, Instant started, Map<String, String> options)
      throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("mode", mode);
    report.put("started", started.toString());
    report.put("seconds", Duration.between(started, Instant.now()).toSeconds());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("memory", memTotal());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("client_jdk", System.getProperty("java.version"));
    machine.put("address_spread", Clients.addressSpread());
    report.put("machine", machine);
    report.put("settings", settings);
    report.put("options", options);
    report.put("systems", systems);
    report.put("results", results);
    report.put("ratios", new ReportTable(results, systems).ratios());
    return report;
  }

  private static String memTotal() throws IOException {
    return Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
  }

  private List<String> smokeProblems(List<String> systems, List<String> scenarios) {
    Map<String, String> evidence =
        Map.of(
            "fan-out", "deliveries",
            "latency", "samples",
            "connections", "held",
            "slow-consumers", "baseline_delivered_fraction");
    List<String> problems = new ArrayList<>();
    for (String system : systems) {
      for (String scenario : scenarios) {
        check(problems, scenario, system, evidence.get(scenario));
      }
    }
    return problems;
  }

  private void check(List<String> problems, String scenario, String system, String key) {
    Object value = results.getOrDefault(scenario, Map.of()).getOrDefault(system, Map.of()).get(key);
    if (!(value instanceof Number number) || number.doubleValue() <= 0) {
      problems.add(scenario + " / " + system + ": " + key + " = " + value);
    }
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static Double millis(long micros) {
    return micros < 0 ? null : round(micros / 1000.0);
  }

  private static void sleep(Duration duration) throws InterruptedException {
    // The scenario's own clock: the load runs in the servers meanwhile.
    Thread.sleep(duration.toMillis());
  }
}
