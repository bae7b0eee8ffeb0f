package io.realtime.metrics.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.realtime.message.payload.PerformanceUpdate;
import io.realtime.message.payload.PerformanceUpdate.AlertSeverity;
import io.realtime.message.payload.PerformanceUpdate.DatabaseStats;
import io.realtime.message.payload.PerformanceUpdate.GpuPerformance;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.PerformanceUpdate.InferenceStats;
import io.realtime.message.payload.PerformanceUpdate.LatencyStats;
import io.realtime.message.payload.PerformanceUpdate.PerformanceAlert;
import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every metric at every boundary: just inside, exactly at warning, between, exactly at critical.
 */
class AlertEvaluatorTest {

  private final AlertEvaluator evaluator = AlertEvaluator.withDefaults();

  /** An update in which only {@code metric} has a value, {@code value}. */
  static PerformanceUpdate updateWith(AlertMetric metric, double value) {
    GpuPerformance gpu = null;
    HostStats host = null;
    PostgresStats postgres = null;
    RedisStats redis = null;
    InferenceStats inference = null;
    switch (metric) {
      case GPU_TEMPERATURE -> gpu = new GpuPerformance("gpu", null, null, null, (int) value, null);
      case GPU_UTILIZATION -> gpu = new GpuPerformance("gpu", value, null, null, null, null);
      case GPU_VRAM -> gpu = new GpuPerformance("gpu", null, value, 100.0, null, null);
      case GPU_POWER -> gpu = new GpuPerformance("gpu", null, null, null, null, (int) value);
      case HOST_CPU -> host = new HostStats(value, null, null, null, null);
      case HOST_RAM -> host = new HostStats(null, value, 100.0, null, null);
      case HOST_DISK -> host = new HostStats(null, null, null, value, 100.0);
      case PG_CACHE_HIT -> postgres = new PostgresStats("healthy", null, null, value, null);
      case PG_CONNECTIONS -> postgres = new PostgresStats("healthy", (int) value, 100, null, null);
      case REDIS_HIT_RATIO -> redis = new RedisStats("healthy", null, null, value, null);
      case REDIS_MEMORY -> redis = new RedisStats("healthy", null, value, null, null);
      case DETECTOR_LATENCY_P95 ->
          inference =
              new InferenceStats(new LatencyStats(1.0, value, null), null, null, null, null);
      case LLM_LATENCY_P95 ->
          inference =
              new InferenceStats(null, new LatencyStats(1.0, value, null), null, null, null);
      default -> throw new IllegalArgumentException(metric.name());
    }
    return new PerformanceUpdate(
        Instant.EPOCH,
        gpu,
        null,
        null,
        inference,
        new DatabaseStats(postgres, redis),
        host,
        null,
        null);
  }

  private List<PerformanceAlert> alertsAt(AlertMetric metric, double value) {
    return evaluator.evaluate(updateWith(metric, value));
  }

  @ParameterizedTest
  @EnumSource(AlertMetric.class)
  void everyBoundaryOfEveryMetric(AlertMetric metric) {
    AlertThreshold threshold = metric.defaultThreshold();
    double warning = threshold.warning();
    double critical = threshold.critical();
    if (metric.direction() == AlertMetric.Direction.ABOVE) {
      assertThat(alertsAt(metric, warning - 1)).as("just under warning").isEmpty();
      assertSingle(alertsAt(metric, warning), metric, AlertSeverity.WARNING, warning);
      assertSingle(alertsAt(metric, critical - 1), metric, AlertSeverity.WARNING, warning);
      assertSingle(alertsAt(metric, critical), metric, AlertSeverity.CRITICAL, critical);
      assertSingle(alertsAt(metric, critical + 1), metric, AlertSeverity.CRITICAL, critical);
    } else {
      assertThat(alertsAt(metric, warning)).as("exactly at warning (alerts only below)").isEmpty();
      assertThat(alertsAt(metric, warning + 1)).isEmpty();
      assertSingle(alertsAt(metric, warning - 1), metric, AlertSeverity.WARNING, warning);
      assertSingle(alertsAt(metric, critical), metric, AlertSeverity.WARNING, warning);
      assertSingle(alertsAt(metric, critical - 1), metric, AlertSeverity.CRITICAL, critical);
    }
  }

  private static void assertSingle(
      List<PerformanceAlert> alerts, AlertMetric metric, AlertSeverity severity, double threshold) {
    assertThat(alerts).hasSize(1);
    PerformanceAlert alert = alerts.get(0);
    assertThat(alert.metric()).isEqualTo(metric.wireName());
    assertThat(alert.severity()).isEqualTo(severity);
    assertThat(alert.threshold()).isEqualTo(threshold);
  }

  @Test
  void theSeedsExampleAlert() {
    List<PerformanceAlert> alerts = alertsAt(AlertMetric.GPU_TEMPERATURE, 82);

    assertThat(alerts)
        .containsExactly(
            new PerformanceAlert(
                AlertSeverity.WARNING, "gpu_temperature", 82, 75, "GPU temperature high: 82C"));
    assertThat(alertsAt(AlertMetric.GPU_TEMPERATURE, 90).get(0).message())
        .isEqualTo("GPU temperature critical: 90C");
    assertThat(alertsAt(AlertMetric.PG_CACHE_HIT, 85.5).get(0).message())
        .isEqualTo("PostgreSQL cache hit ratio low: 85.5%");
  }

  @Test
  void previouslyUnevaluatedMetricsAreEvaluated() {
    assertThat(
            Stream.of(
                    AlertMetric.GPU_UTILIZATION,
                    AlertMetric.GPU_POWER,
                    AlertMetric.DETECTOR_LATENCY_P95,
                    AlertMetric.LLM_LATENCY_P95,
                    AlertMetric.PG_CONNECTIONS,
                    AlertMetric.REDIS_MEMORY)
                .map(AlertMetric::wireName))
        .containsExactly(
            "gpu_utilization",
            "gpu_power",
            "yolo26_latency_p95",
            "nemotron_latency_p95",
            "pg_connections",
            "redis_memory");
    assertThat(alertsAt(AlertMetric.PG_CONNECTIONS, 96).get(0).value()).isEqualTo(96.0);
  }

  @Test
  void zeroTotalsAndMissingFieldsRaiseNothing() {
    PerformanceUpdate zeros =
        new PerformanceUpdate(
            Instant.EPOCH,
            new GpuPerformance("gpu", null, 5.0, 0.0, null, null),
            null,
            null,
            null,
            new DatabaseStats(
                new PostgresStats("healthy", 10, 0, null, null),
                new RedisStats("healthy", 1, null, null, 0)),
            new HostStats(null, 4.0, 0.0, 10.0, 0.0),
            null,
            null);
    PerformanceUpdate empty =
        new PerformanceUpdate(Instant.EPOCH, null, null, null, null, null, null, null, null);
    PerformanceUpdate unreachable =
        new PerformanceUpdate(
            Instant.EPOCH,
            null,
            null,
            null,
            null,
            new DatabaseStats(
                new PostgresStats("unreachable", null, null, null, null),
                new RedisStats("unreachable", null, null, null, null)),
            null,
            null,
            null);

    assertThat(evaluator.evaluate(zeros)).isEmpty();
    assertThat(evaluator.evaluate(empty)).isEmpty();
    assertThat(evaluator.evaluate(unreachable)).isEmpty();
  }

  @Test
  void thresholdsAreConfigurableAndValidated() {
    AlertEvaluator strict =
        AlertEvaluator.builder()
            .threshold(AlertMetric.GPU_TEMPERATURE, 60, 70)
            .disable(AlertMetric.HOST_CPU)
            .build();

    assertThat(strict.evaluate(updateWith(AlertMetric.GPU_TEMPERATURE, 65)).get(0).threshold())
        .isEqualTo(60);
    assertThat(strict.evaluate(updateWith(AlertMetric.HOST_CPU, 99))).isEmpty();
    assertThatThrownBy(() -> AlertEvaluator.builder().threshold(AlertMetric.HOST_CPU, 95, 80))
        .hasMessageContaining("host_cpu")
        .hasMessageContaining("warning <= critical, got warning=95.0 critical=80.0");
    assertThatThrownBy(() -> AlertEvaluator.builder().threshold(AlertMetric.PG_CACHE_HIT, 80, 90))
        .hasMessageContaining("warning >= critical");
  }
}
