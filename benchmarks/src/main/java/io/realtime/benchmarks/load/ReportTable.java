package io.realtime.benchmarks.load;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results as a table, and the ratios the targets are read against. */
final class ReportTable {

  private record Row(String scenario, String label, String key) {}

  private static final String DELIVERED = "delivered_per_second";
  private static final String CPU = "cpu_seconds_per_million";
  private static final String KNEE = "knee_deliveries_per_second";

  private static final List<Row> ROWS =
      List.of(
          new Row("fan-out", "clients", "clients"),
          new Row("fan-out", "delivered msg/s", DELIVERED),
          new Row("fan-out", "CPU s / 1M deliveries", CPU),
          new Row("latency", "clients (2 instances)", "clients"),
          new Row("latency", "events/s", "events_per_second"),
          new Row("latency", "delivered fraction", "delivered_fraction"),
          new Row("latency", "p50 ms", "p50_ms"),
          new Row("latency", "p99 ms", "p99_ms"),
          new Row("latency", "p99.9 ms", "p999_ms"),
          new Row("overload", "events/s", "events_per_second"),
          new Row("overload", "delivered fraction", "delivered_fraction"),
          new Row("overload", "p99 ms", "p99_ms"),
          new Row("overload", "clients closed", "clients_closed"),
          new Row("probe", "1 client: p50 ms", "p50_ms"),
          new Row("probe", "1 client: p99 ms", "p99_ms"),
          new Row("knee", "clients (2 instances)", "clients"),
          new Row("knee", "sustained events/s", "knee_events_per_second"),
          new Row("knee", "sustained deliveries/s", KNEE),
          new Row("knee", "p99 ms at that rate", "knee_p99_ms"),
          new Row("knee", "next rate (failed)", "first_failed_events_per_second"),
          new Row("knee", "stopped by", "stopped_by"),
          new Row("connections", "held", "held"),
          new Row("connections", "heap B / connection", "heap_bytes_per_connection"),
          new Row("connections", "RSS B / connection", "rss_bytes_per_connection"),
          new Row("slow-consumers", "clients", "clients"),
          new Row("slow-consumers", "events/s", "events_per_second"),
          new Row("slow-consumers", "baseline p50 ms", "baseline_p50_ms"),
          new Row("slow-consumers", "baseline p99 ms", "baseline_p99_ms"),
          new Row("slow-consumers", "10% stalled: p99 ms", "slow_p99_ms"),
          new Row("slow-consumers", "p99 ratio", "p99_ratio"),
          new Row("slow-consumers", "healthy delivered", "slow_delivered_fraction"),
          new Row("slow-consumers", "live heap MB base/slow", "baseline_live_heap_mb"),
          new Row("slow-consumers", "", "slow_live_heap_mb"),
          new Row("slow-consumers", "peak RSS MB base/slow", "baseline_peak_rss_mb"),
          new Row("slow-consumers", "", "slow_peak_rss_mb"),
          new Row(
              "slow-consumers",
              "stalled clients closed",
              "stalled_clients_disconnected_by_server"));

  private final Map<String, Map<String, Map<String, Object>>> results;
  private final List<String> systems;

  ReportTable(Map<String, Map<String, Map<String, Object>>> results, List<String> systems) {
    this.results = results;
    this.systems = systems;
  }

  private Object value(String scenario, String system, String key) {
    return results.getOrDefault(scenario, Map.of()).getOrDefault(system, Map.of()).get(key);
  }

  void print(PrintStream out) {
    StringBuilder header =
        new StringBuilder(String.format(Locale.ROOT, "%-15s %-24s", "scenario", "metric"));
    systems.forEach(s -> header.append(String.format(Locale.ROOT, " %12s", s)));
    out.println(header);
    out.println("-".repeat(header.length()));
    for (Row row : ROWS) {
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "%-15s %-24s", row.scenario(), row.label()));
      for (String system : systems) {
        Object value = value(row.scenario(), system, row.key());
        line.append(String.format(Locale.ROOT, " %12s", value == null ? "-" : value));
      }
      out.println(line);
    }
    out.println();
    ratios()
        .forEach(
            (name, value) ->
                out.println(
                    String.format(Locale.ROOT, "%-62s %s", name, value == null ? "-" : value)));
  }

  /**
   * The ratios the targets are stated in, then every system against the {@code limit}
   * ceiling; null where a system did not run.
   */
  Map<String, Object> ratios() {
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put(
        "fan-out realtime / socketio (target >= 3)",
        ratio("fan-out", DELIVERED, "realtime", "socketio"));
    ratios.put(
        "fan-out realtime / bare (target >= 0.7)", ratio("fan-out", DELIVERED, "realtime", "bare"));
    ratios.put(
        "fan-out realtime / limit (target >= 0.5)",
        ratio("fan-out", DELIVERED, "realtime", "limit"));
    ratios.put(
        "fan-out CPU per delivery realtime / socketio (target <= 0.5)",
        ratio("fan-out", CPU, "realtime", "socketio"));
    ratios.put("latency realtime p99 ms (target <= 5)", value("latency", "realtime", "p99_ms"));
    ratios.put(
        "latency p99 realtime - bare ms (target <= 1)",
        difference("latency", "p99_ms", "realtime", "bare"));
    ratios.put(
        "probe p50 realtime - bare ms (target <= 0.3)",
        difference("probe", "p50_ms", "realtime", "bare"));
    ratios.put(
        "knee sustained deliveries/s realtime / socketio (target >= 2)",
        ratio("knee", KNEE, "realtime", "socketio"));
    ratios.put(
        "connections realtime held (target >= 20000)", value("connections", "realtime", "held"));
    ratios.put(
        "connections realtime heap B/conn (target <= 8192)",
        value("connections", "realtime", "heap_bytes_per_connection"));
    ratios.put(
        "connections realtime RSS B/conn (target <= 16384)",
        value("connections", "realtime", "rss_bytes_per_connection"));
    ratios.put(
        "connections heap B/conn realtime / socketio (target < 1)",
        ratio("connections", "heap_bytes_per_connection", "realtime", "socketio"));
    ratios.put(
        "slow realtime p99 ratio (target <= 1.2)",
        value("slow-consumers", "realtime", "p99_ratio"));
    for (String system : List.of("realtime", "socketio", "bare")) {
      String against = " " + system + " / limit";
      ratios.put("fan-out msg/s" + against, ratio("fan-out", DELIVERED, system, "limit"));
      ratios.put("fan-out CPU per delivery" + against, ratio("fan-out", CPU, system, "limit"));
      ratios.put("latency p99" + against, ratio("latency", "p99_ms", system, "limit"));
      ratios.put("overload p99" + against, ratio("overload", "p99_ms", system, "limit"));
      ratios.put("knee sustained deliveries/s" + against, ratio("knee", KNEE, system, "limit"));
      ratios.put(
          "connections heap B/conn" + against,
          ratio("connections", "heap_bytes_per_connection", system, "limit"));
      ratios.put(
          "slow-consumers p99 ratio" + against,
          ratio("slow-consumers", "p99_ratio", system, "limit"));
    }
    return ratios;
  }

  private Double difference(String scenario, String key, String system, String baseline) {
    Object a = value(scenario, system, key);
    Object b = value(scenario, baseline, key);
    if (a instanceof Number x && b instanceof Number y) {
      return Scenarios.round(x.doubleValue() - y.doubleValue());
    }
    return null;
  }

  private Double ratio(String scenario, String key, String system, String baseline) {
    Object a = value(scenario, system, key);
    Object b = value(scenario, baseline, key);
    if (a instanceof Number x && b instanceof Number y && y.doubleValue() > 0) {
      return Scenarios.round(x.doubleValue() / y.doubleValue());
    }
    return null;
  }
}
