package io.realtime.benchmarks.load;

/**
 * The size of each scenario, in {@code quick} (the CI smoke test) or {@code full} mode.
 *
 * @param latencyRate the steady cross-instance rate of the latency scenario (events/s)
 * @param overloadRate the rate of the overload run, beyond what this machine carries (events/s)
 * @param knee the knee scenario's steps
 */
record ScenarioSettings(
    int fanoutClients,
    int fanoutBatch,
    int fanoutSeconds,
    int latencyClients,
    int latencyRate,
    int overloadRate,
    int latencyWarmupSeconds,
    int latencySeconds,
    int connections,
    int holdSeconds,
    int slowClients,
    int slowRate,
    int slowSeconds,
    KneeSettings knee) {

  /**
   * The knee scenario: {@code clients} over two instances, a warm-up of {@code warmupSeconds} at
   * the start rate (the servers' JIT), then rates from {@code startRate} rising by {@code factor}
   * for at most {@code steps} steps, each a settle of {@code settleSeconds} then a measuring window
   * of {@code measureSeconds}.
   */
  record KneeSettings(
      int clients,
      int startRate,
      double factor,
      int steps,
      int warmupSeconds,
      int settleSeconds,
      int measureSeconds) {}

  static ScenarioSettings of(String mode) {
    return switch (mode) {
      case "quick" ->
          new ScenarioSettings(
              200,
              50,
              2,
              100,
              50,
              200,
              1,
              2,
              1_000,
              2,
              50,
              100,
              2,
              new KneeSettings(100, 50, 2.0, 3, 2, 1, 2));
      case "full" ->
          new ScenarioSettings(
              1_000,
              100,
              15,
              500,
              100,
              1_000,
              3,
              15,
              20_000,
              12,
              50,
              1_000,
              30,
              new KneeSettings(500, 25, 1.4, 14, 5, 2, 6));
      default ->
          throw new IllegalArgumentException("--mode must be quick or full, got '" + mode + "'");
    };
  }
}
