package io.realtime.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The soak: realtime only, two instances through Redis, each also running its system status
 * broadcaster every 5 s; events paced on the first instance; 1 % of the clients stop reading (each
 * minute, those the server has closed are replaced by new stalling ones), and every minute 1 % of
 * the reading clients reconnect and resync from the last event they received. Every minute it reads
 * each instance's heap after a full GC and live threads, and the p99 of that minute; at the end the
 * heap slope (MB/h, least squares), the thread growth and the p99 trend. Writes JSON and SVG
 * charts.
 */
final class Soak {

  /**
   * What the soak runs.
   *
   * @param minutes how long
   * @param clients clients in all, split over the two instances
   * @param rate events a second
   * @param statusSeconds the system status interval
   */
  record Settings(int minutes, int clients, int rate, int statusSeconds) {

    /** 1 % of the clients, at least one. */
    int onePercent() {
      return Math.max(1, clients / 100);
    }
  }

  private final Settings settings;
  private final ServerProcess.Launch launch;
  private final String redis;

  Soak(Settings settings, ServerProcess.Launch launch, String redis) {
    this.settings = settings;
    this.launch = launch;
    this.redis = redis;
  }

  /**
   * Runs the soak and writes its report to {@code out} with charts beside it.
   *
   * @return true when it produced data (at least one minute with latency samples and heap readings)
   */
  boolean run(Path out) throws Exception {
    Instant started = Instant.now();
    String channel = "soak_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    List<String> status = List.of("--status-seconds", Integer.toString(settings.statusSeconds()));
    LatencyRecorder latencies = new LatencyRecorder();
    List<Map<String, Object>> minutes = new ArrayList<>();
    Map<String, Object> result = new LinkedHashMap<>();
    Random random = new Random(17);
    try (ServerProcess first =
            ServerProcess.start(launch, "realtime", redis, channel, 30, status, List.of());
        ServerProcess second =
            ServerProcess.start(launch, "realtime", redis, channel, 30, status, List.of());
        Clients clients = new Clients(WireProtocol.REALTIME, latencies)) {
      List<ServerProcess> servers = List.of(first, second);
      int stallEvery = Math.max(1, settings.clients() / settings.onePercent());
      clients.open(settings.clients() / 2, first.port, 5, stallEvery);
      clients.open(settings.clients() - settings.clients() / 2, second.port, 5, stallEvery);
      log(
          "soak: %d clients open (%d failed) on two instances, %d events/s, status every %d s,"
              + " %d minutes",
          clients.opened(),
          clients.failed(),
          settings.rate(),
          settings.statusSeconds(),
          settings.minutes());
      result.put("start", minute(0, servers, clients, latencies.summary()));
      first.pace(settings.rate(), settings.minutes() * 60 + 30);
      long start = System.nanoTime();
      for (int m = 1; m <= settings.minutes(); m++) {
        sleepUntil(start + TimeUnit.SECONDS.toNanos(60L * m - 30));
        int reconnected = settle(clients.reconnect(settings.onePercent(), random));
        int held = first.stats(false).connections() + second.stats(false).connections();
        int replaced = settle(clients.replaceStalled(Math.max(0, clients.open() - held)));
        sleepUntil(start + TimeUnit.SECONDS.toNanos(60L * m));
        Map<String, Object> minute = minute(m, servers, clients, latencies.summary());
        minute.put("reconnected", reconnected);
        minute.put("stalled_replaced", replaced);
        minutes.add(minute);
        log("soak minute %d: %s", m, minute);
      }
    }
    result.put("minutes", minutes);
    result.put("summary", summary(minutes));
    log("soak: %s", result.get("summary"));
    write(out, started, result, minutes);
    return minutes.stream()
        .anyMatch(
            m -> m.get("samples") instanceof Long s && s > 0 && m.get("heap_mb") instanceof List);
  }

  /** One minute's reading: each instance's heap after GC and threads, and the minute's latency. */
  private static Map<String, Object> minute(
      int number, List<ServerProcess> servers, Clients clients, LatencyRecorder.Summary latency)
      throws IOException, InterruptedException {
    Map<String, Object> minute = new LinkedHashMap<>();
    minute.put("minute", number);
    List<Double> heap = new ArrayList<>();
    List<Integer> threads = new ArrayList<>();
    int connections = 0;
    for (ServerProcess server : servers) {
      ServerProcess.Stats stats = server.stats(true);
      heap.add(Scenarios.round(stats.heapUsed() / 1e6));
      threads.add(stats.threads());
      connections += stats.connections();
    }
    minute.put("heap_mb", heap);
    minute.put("threads", threads);
    minute.put("connections", connections);
    minute.put("samples", latency.samples());
    minute.put("p50_ms", latency.p50Ms());
    minute.put("p99_ms", latency.p99Ms());
    minute.put("delivered", clients.delivered());
    minute.put("clients_closed", clients.closedByServer());
    minute.put("resyncs_acked", clients.resyncsAcked());
    minute.put("resyncs_recovered", clients.resyncsRecovered());
    minute.put("replayed", clients.replayed());
    return minute;
  }

  /** The trends the soak exists for. */
  static Map<String, Object> summary(List<Map<String, Object>> minutes) {
    Map<String, Object> summary = new LinkedHashMap<>();
    double[] hours =
        minutes.stream().mapToDouble(m -> ((Number) m.get("minute")).doubleValue() / 60).toArray();
    int instances = minutes.isEmpty() ? 0 : ((List<?>) minutes.get(0).get("heap_mb")).size();
    List<Double> heapSlopes = new ArrayList<>();
    List<Integer> threadGrowth = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      int instance = i;
      Double slope = Curves.slope(hours, column(minutes, m -> at(m, "heap_mb", instance)));
      heapSlopes.add(slope == null ? null : Scenarios.round(slope));
      double[] threads = column(minutes, m -> at(m, "threads", instance));
      threadGrowth.add((int) (threads[threads.length - 1] - threads[0]));
    }
    summary.put("heap_slope_mb_per_hour", heapSlopes);
    summary.put("thread_growth", threadGrowth);
    List<Map<String, Object>> measured =
        minutes.stream().filter(m -> m.get("p99_ms") instanceof Number).toList();
    Double p99Slope =
        Curves.slope(
            measured.stream()
                .mapToDouble(m -> ((Number) m.get("minute")).doubleValue() / 60)
                .toArray(),
            column(measured, m -> ((Number) m.get("p99_ms")).doubleValue()));
    summary.put("p99_slope_ms_per_hour", p99Slope == null ? null : Scenarios.round(p99Slope));
    summary.put("p99_first_ms", measured.isEmpty() ? null : measured.get(0).get("p99_ms"));
    summary.put(
        "p99_last_ms", measured.isEmpty() ? null : measured.get(measured.size() - 1).get("p99_ms"));
    summary.put(
        "goals", "heap slope <= 1 MB/h, no thread growth, p99 flat (read over 60 minutes, not 2)");
    return summary;
  }

  private static double at(Map<String, Object> minute, String key, int index) {
    return ((Number) ((List<?>) minute.get(key)).get(index)).doubleValue();
  }

  private static double[] column(
      List<Map<String, Object>> minutes, ToDoubleFunction<Map<String, Object>> value) {
    return minutes.stream().mapToDouble(value).toArray();
  }

  private void write(
      Path out, Instant started, Map<String, Object> result, List<Map<String, Object>> minutes)
      throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("mode", "soak");
    report.put("started", started.toString());
    report.put("seconds", Duration.between(started, Instant.now()).toSeconds());
    report.put("settings", settings);
    report.put("soak", result);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    LoadHarness.OUT.println("JSON: " + out);
    try {
      String base = out.getFileName().toString().replaceFirst("\\.json$", "");
      List<Path> written = new ArrayList<>();
      chart(
          minutes,
          "heap after full GC",
          "MB",
          "heap_mb",
          out.resolveSibling(base + "-heap.svg"),
          written);
      chart(
          minutes,
          "live threads",
          "threads",
          "threads",
          out.resolveSibling(base + "-threads.svg"),
          written);
      Map<String, List<double[]>> p99 = new LinkedHashMap<>();
      p99.put(
          "p99 of the minute",
          minutes.stream()
              .filter(m -> m.get("p99_ms") instanceof Number)
              .map(
                  m ->
                      new double[] {
                        ((Number) m.get("minute")).doubleValue(),
                        ((Number) m.get("p99_ms")).doubleValue()
                      })
              .toList());
      Charts.save(
          Charts.lines("soak: p99 publish to receive, each minute", "minute", "p99 ms", p99),
          out.resolveSibling(base + "-p99.svg"),
          written);
      written.forEach(svg -> LoadHarness.OUT.println("SVG: " + svg));
    } catch (IOException | RuntimeException | LinkageError e) {
      LoadHarness.OUT.println("charts not drawn: " + e);
    }
  }

  /** One line per instance of a per-instance reading, over the minutes. */
  private static void chart(
      List<Map<String, Object>> minutes,
      String title,
      String axis,
      String key,
      Path file,
      List<Path> written)
      throws IOException {
    if (minutes.isEmpty()) {
      return;
    }
    Map<String, List<double[]>> lines = new LinkedHashMap<>();
    int instances = ((List<?>) minutes.get(0).get(key)).size();
    for (int i = 0; i < instances; i++) {
      List<double[]> points = new ArrayList<>();
      for (Map<String, Object> minute : minutes) {
        points.add(
            new double[] {((Number) minute.get("minute")).doubleValue(), at(minute, key, i)});
      }
      lines.put("instance " + (i + 1), points);
    }
    Charts.save(Charts.lines("soak: " + title, "minute", axis, lines), file, written);
  }

  /** Waits for new connections to open (or fail); returns how many opened. */
  private static int settle(List<CompletableFuture<java.net.http.WebSocket>> connections) {
    int opened = 0;
    for (CompletableFuture<java.net.http.WebSocket> connection : connections) {
      try {
        connection.get(30, TimeUnit.SECONDS);
        opened++;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        // counted as failed by the clients
      }
    }
    return opened;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      // The soak's clock: the load runs in the servers and the clients meanwhile.
      Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
    }
  }

  private static void log(String format, Object... args) {
    LoadHarness.OUT.println("[" + Instant.now() + "] " + String.format(Locale.ROOT, format, args));
  }
}
