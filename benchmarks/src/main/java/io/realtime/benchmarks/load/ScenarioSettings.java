package io.realtime.benchmarks.load;

/** The size of each scenario, in {@code quick} (the CI smoke test) or {@code full} mode. */
record ScenarioSettings(
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

  static ScenarioSettings of(String mode) {
    return switch (mode) {
      case "quick" -> new ScenarioSettings(200, 50, 2, 100, 200, 50, 1, 2, 1_000, 2, 50, 100, 2);
      case "full" ->
          new ScenarioSettings(1_000, 100, 15, 500, 1_000, 100, 3, 15, 19_000, 12, 50, 1_000, 30);
      default ->
          throw new IllegalArgumentException("--mode must be quick or full, got '" + mode + "'");
    };
  }
}
