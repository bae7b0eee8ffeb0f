package io.realtime.metrics.nvml;

import io.realtime.metrics.MetricSource;
import io.realtime.tck.MetricSourceCompatibilityKit;

class NvmlGpuMetricsCompatibilityTest extends MetricSourceCompatibilityKit {

  @Override
  protected MetricSource<?> createSource() {
    return NvmlGpuMetrics.load(FakeNvml.working().toString());
  }

  @Override
  protected MetricSource<?> createSourceWithoutItsSensor() {
    return NvmlGpuMetrics.load("/no/such/libnvidia-ml.so");
  }
}
