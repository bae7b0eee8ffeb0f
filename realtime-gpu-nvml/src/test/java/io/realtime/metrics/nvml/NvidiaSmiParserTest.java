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

  /**
   * Found by NvidiaSmiParserFuzzTest: Double.parseDouble took NaN, Infinity, negative numbers and
   * 1e400, which reached the dashboard as "NaN" strings, negative or saturated bytes.
   */
  @Test
  void numbersAreNonNegativeDecimalsAndAnythingElseIsLeftNull() {
    for (String odd :
        new String[] {
          "NaN", "Infinity", "-5", "1e400", "1e3", "0x1p4", "1d", "2f", "+3", ".5", "5."
        }) {
      String output = "0, A100, " + odd + ", " + odd + ", " + odd + ", " + odd + ", " + odd;

      assertThat(NvidiaSmiParser.parse(output))
          .as(odd)
          .containsExactly(new GpuReading(0, "A100", null, null, null, null, null));
    }
    assertThat(NvidiaSmiParser.parse("0, A100, 0.5, 12.25, 7, 8796093022207, 100"))
        .containsExactly(
            new GpuReading(0, "A100", 100.0, 7 * MIB, 8796093022207L * MIB, 0.5, 12.25));
    // Memory beyond what a long holds in bytes is not a reading either.
    assertThat(NvidiaSmiParser.parse("0, A100, 1, 1, 8796093022208, 99999999999999999999, 1"))
        .containsExactly(new GpuReading(0, "A100", 1.0, null, null, 1.0, 1.0));
  }

  @Test
  void anIndexIsANonNegativeIntegerOrTheLineIsSkipped() {
    for (String index : new String[] {"1.5", "-1", "1e10", "2147483648", "NaN", "\u0661"}) {
      assertThat(NvidiaSmiParser.parse(index + ", A100, 1, 1, 1, 1, 1")).as(index).isEmpty();
    }
    assertThat(NvidiaSmiParser.parse("2147483647, A100, 1, 1, 1, 1, 1"))
        .extracting(GpuReading::index)
        .containsExactly(Integer.MAX_VALUE);
  }

  private static String recorded(String name) throws IOException {
    try (InputStream in = NvidiaSmiParserTest.class.getResourceAsStream("/nvidia-smi/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
