package io.realtime.metrics.oshi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.metrics.MetricSource;
import io.realtime.tck.MetricSourceCompatibilityKit;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;

class OshiHostMetricsCompatibilityTest extends MetricSourceCompatibilityKit {

  @Override
  protected MetricSource<?> createSource() {
    return new OshiHostMetrics("/");
  }

  @Override
  protected MetricSource<?> createSourceWithoutItsSensor() {
    return new OshiHostMetrics("/no/such/disk");
  }

  @Override
  protected boolean isReportedAbsent(Object reading) {
    return reading instanceof HostStats host
        && host.diskTotalGb() == null
        && host.diskUsedGb() == null;
  }

  @Test
  void theFirstCollectionMeasuresTheCpuSinceConstruction() {
    // The constructor takes the first tick sample (metric-sources.md): a second later, the very
    // first collection reports the CPU since construction, not null. (Right after construction,
    // within OSHI's short cache of the tick counts, the ticks have not moved and it is null.)
    CentralProcessor observer = new SystemInfo().getHardware().getProcessor();
    long[][] seen = {observer.getSystemCpuLoadTicks()};
    OshiHostMetrics fresh = new OshiHostMetrics("/");
    // Until an independent reader has seen the ticks move twice: each move needs its own cache to
    // expire, so by the second the source's cache (filled just after the first read) has too.
    AtomicInteger moves = new AtomicInteger();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              long[] now = observer.getSystemCpuLoadTicks();
              if (!Arrays.equals(now, seen[0])) {
                seen[0] = now;
                moves.incrementAndGet();
              }
              return moves.get() >= 2;
            });

    assertThat(fresh.collect().cpuPercent()).isNotNull().isBetween(0.0, 100.0);
  }

  @Test
  void cpuIsMeasuredBetweenCollectionsAndNeverAMeaninglessZero() {
    OshiHostMetrics source = new OshiHostMetrics("/");
    HostStats first = source.collect();
    assertThat(first.cpuPercent())
        .as("too short an interval is unknown, not 0")
        .satisfiesAnyOf(
            cpu -> assertThat(cpu).isNull(), cpu -> assertThat(cpu).isBetween(0.0, 100.0));

    // burn some CPU so the next interval is measurable
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              double sink = 0;
              for (int i = 0; i < 2_000_000; i++) {
                sink += Math.sqrt(i);
              }
              return sink > 0 && source.collect().cpuPercent() != null;
            });
    HostStats host = source.collect();
    assertThat(host.ramTotalGb()).isPositive();
    assertThat(host.ramUsedGb()).isBetween(0.0, host.ramTotalGb());
    assertThat(host.diskTotalGb()).isPositive();
    assertThat(host.diskUsedGb()).isBetween(0.0, host.diskTotalGb());
  }
}
