package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.tck.MetricSourceCompatibilityKit;

class JvmHostMetricsCompatibilityTest extends MetricSourceCompatibilityKit {

  @Override
  protected MetricSource<?> createSource() {
    return new JvmHostMetrics("/");
  }

  @Override
  protected MetricSource<?> createSourceWithoutItsSensor() {
    return new JvmHostMetrics("/no/such/disk/anywhere");
  }

  @Override
  protected boolean isReportedAbsent(Object reading) {
    return reading == null
        || (reading instanceof HostStats host
            && host.diskTotalGb() == null
            && host.diskUsedGb() == null);
  }
}
