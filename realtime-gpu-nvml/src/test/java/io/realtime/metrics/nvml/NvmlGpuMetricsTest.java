package io.realtime.metrics.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.metrics.GpuReading;
import java.util.List;
import org.junit.jupiter.api.Test;

class NvmlGpuMetricsTest {

  @Test
  void readsEveryDeviceThroughTheNativeLibrary() {
    try (NvmlGpuMetrics nvml = NvmlGpuMetrics.load(FakeNvml.working().toString())) {
      assertThat(nvml.isAvailable()).isTrue();

      List<GpuReading> readings = nvml.collect();

      assertThat(readings)
          .containsExactly(
              new GpuReading(
                  0, "NVIDIA RTX A5500", 87.0, 8_589_934_592L, 25_757_220_864L, 71.0, 231.5),
              new GpuReading(1, "NVIDIA T4", 12.0, 1_073_741_824L, 16_106_127_360L, 45.0, null));
    }
  }

  @Test
  void aFieldTheDeviceDoesNotSupportIsNullAndTheOthersAreFilled() {
    try (NvmlGpuMetrics nvml = NvmlGpuMetrics.load(FakeNvml.working().toString())) {
      GpuReading t4 = nvml.collect().get(1);

      assertThat(t4.powerWatts()).isNull();
      assertThat(t4.toStatus().memoryTotal()).isEqualTo(15_360L);
      assertThat(t4.temperature()).isEqualTo(45.0);
    }
  }

  @Test
  void aLibraryThatFailsToInitialiseIsAbsent() {
    NvmlGpuMetrics nvml = NvmlGpuMetrics.load(FakeNvml.failingInit().toString());

    assertThat(nvml.isAvailable()).isFalse();
    assertThat(nvml.collect()).isNull();
    nvml.close();
  }

  @Test
  void aMissingLibraryIsAbsentNotAnError() {
    NvmlGpuMetrics nvml = NvmlGpuMetrics.load("/no/such/libnvidia-ml.so");

    assertThat(nvml.isAvailable()).isFalse();
    assertThat(nvml.collect()).isNull();
  }

  @Test
  void aClosedSourceIsAbsentAndClosingTwiceIsHarmless() {
    NvmlGpuMetrics nvml = NvmlGpuMetrics.load(FakeNvml.working().toString());
    nvml.close();
    nvml.close();

    assertThat(nvml.collect()).isNull();
  }
}
