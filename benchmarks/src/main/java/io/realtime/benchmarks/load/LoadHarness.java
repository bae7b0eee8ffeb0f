package io.realtime.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every scenario (see {@link Scenarios}) against every system in one go, prints a table and
 * writes a JSON report with SVG charts beside it ({@link Charts}); exits 1 when a scenario produced
 * no data for a system, which is what the CI smoke test checks.
 *
 * <p>Arguments: {@code --mode quick|full --out FILE --jar BENCHMARKS_JAR --java JAVA --node NODE
 * --node-dir DIR --redis URI [--systems realtime,socketio,bare,limit] [--scenarios
 * fan-out,latency,knee,connections,slow-consumers]}; or {@code --mode soak --minutes N [--clients
 * N] [--rate R]} for the {@link Soak}, which exits 1 when it produced no data.
 */
public final class LoadHarness {

  private static final List<String> ALL_SYSTEMS = List.of("realtime", "socketio", "bare", "limit");
  private static final List<String> ALL_SCENARIOS =
      List.of("fan-out", "latency", "knee", "connections", "slow-consumers");

  /** The harness's output: it is a command-line tool, and its table is its result. */
  static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  private LoadHarness() {}

  /**
   * Runs the harness.
   *
   * @param args see the class comment
   * @throws Exception if a server cannot start
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true"); // the charts draw with AWT, never on a screen
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
    String redis = options.getOrDefault("--redis", "redis://127.0.0.1:6379");
    if (mode.equals("soak")) {
      Soak.Settings soak =
          new Soak.Settings(
              Integer.parseInt(options.getOrDefault("--minutes", "60")),
              Integer.parseInt(options.getOrDefault("--clients", "2000")),
              Integer.parseInt(options.getOrDefault("--rate", "200")),
              5);
      if (!new Soak(soak, launch, redis).run(out)) {
        OUT.println("SOAK FAILURE: no minute produced latency samples and heap readings");
        System.exit(1);
      }
      return;
    }
    List<String> systems =
        List.of(options.getOrDefault("--systems", String.join(",", ALL_SYSTEMS)).split(","));
    Scenarios harness = new Scenarios(ScenarioSettings.of(mode), launch, redis);
    Instant started = Instant.now();
    List<String> scenarios =
        List.of(options.getOrDefault("--scenarios", String.join(",", ALL_SCENARIOS)).split(","));
    for (String system : systems) {
      harness.run(system, scenarios);
    }
    Map<String, Object> report = report(harness, mode, systems, started, options);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    new ReportTable(harness.results(), systems).print(OUT);
    OUT.println("JSON: " + out);
    try {
      new Charts(harness.results(), systems).write(out).forEach(svg -> OUT.println("SVG: " + svg));
    } catch (IOException | RuntimeException | LinkageError e) {
      // The charts illustrate the JSON; a machine without fonts must not fail the smoke test.
      OUT.println("charts not drawn: " + e);
    }
    List<String> problems = smokeProblems(harness.results(), systems, scenarios);
    if (!problems.isEmpty()) {
      problems.forEach(p -> OUT.println("SMOKE FAILURE: " + p));
      System.exit(1);
    }
  }

  private static Map<String, Object> report(
      Scenarios harness,
      String mode,
      List<String> systems,
      Instant started,
      Map<String, String> options)
      throws IOException {
    Map<String, Map<String, Map<String, Object>>> results = harness.results();
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
    report.put("settings", harness.settings());
    report.put("options", options);
    report.put("systems", systems);
    report.put("results", results);
    report.put("ratios", new ReportTable(results, systems).ratios());
    return report;
  }

  private static String memTotal() throws IOException {
    return Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
  }

  private static List<String> smokeProblems(
      Map<String, Map<String, Map<String, Object>>> results,
      List<String> systems,
      List<String> scenarios) {
    Map<String, String> evidence =
        Map.of(
            "fan-out", "deliveries",
            "latency", "samples",
            "knee", "samples",
            "connections", "held",
            "slow-consumers", "baseline_delivered_fraction");
    List<String> problems = new ArrayList<>();
    for (String system : systems) {
      for (String scenario : scenarios) {
        check(results, problems, scenario, system, evidence.get(scenario));
        if (scenario.equals("latency")) {
          check(results, problems, "overload", system, "samples");
          check(results, problems, "probe", system, "samples");
        }
        if (scenario.equals("connections")) {
          checkAllHeld(results.getOrDefault(scenario, Map.of()).get(system), problems, system);
        }
      }
    }
    return problems;
  }

  /** A server that refuses connections the harness opened (a cap, a limit) measures nothing. */
  private static void checkAllHeld(
      Map<String, Object> result, List<String> problems, String system) {
    if (result != null
        && result.get("held") instanceof Number held
        && result.get("opened") instanceof Number opened
        && held.intValue() < opened.intValue()) {
      problems.add("connections / " + system + ": held " + held + " of the " + opened + " opened");
    }
  }

  private static void check(
      Map<String, Map<String, Map<String, Object>>> results,
      List<String> problems,
      String scenario,
      String system,
      String key) {
    Object value = results.getOrDefault(scenario, Map.of()).getOrDefault(system, Map.of()).get(key);
    if (!(value instanceof Number number) || number.doubleValue() <= 0) {
      problems.add(scenario + " / " + system + ": " + key + " = " + value);
    }
  }
}
