package io.realtime.metrics.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.realtime.metrics.GpuReading;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NvidiaSmiParserTest {

  private static final long MIB = 1024L * 1024L;

  @Test
  void parsesSeveralGpusAndLeavesNotAvailableFieldsNull() throws IOException {
    assertThat(NvidiaSmiParser.parse(recorded("two-gpus.csv")))
        .containsExactly(
            new GpuReading(0, "NVIDIA RTX A5500", 87.0, 8192 * MIB, 24564 * MIB, 71.0, 231.45),
            new GpuReading(1, "NVIDIA T4", 12.0, 1024 * MIB, 15360 * MIB, 45.0, null));
  }

  @Test
  void aGpuReportingAlmostNothingKeepsWhatItReports() throws IOException {
    assertThat(NvidiaSmiParser.parse(recorded("all-na.csv")))
        .containsExactly(
            new GpuReading(
                0, "NVIDIA GeForce RTX 3060 Laptop GPU", null, null, 6144 * MIB, null, null));
  }

  @Test
  void skipsMalformedLinesAndReadsTheRest() {
    String output =
        "No devices were found\n\n0, A100, 50, 300.0, 100, 40960, 99\r\nx, B, 1, 1, 1, 1, 1\n";

    assertThat(NvidiaSmiParser.parse(output)).extracting(GpuReading::name).containsExactly("A100");
  }

  private static String recorded(String name) throws IOException {
    try (InputStream in = NvidiaSmiParserTest.class.getResourceAsStream("/nvidia-smi/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
