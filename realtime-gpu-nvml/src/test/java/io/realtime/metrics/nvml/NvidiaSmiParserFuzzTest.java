package io.realtime.metrics.nvml;

import static io.realtime.fuzz.CallBound.timed;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.realtime.metrics.GpuReading;
import java.util.List;

/**
 * Fuzzes the parsing of {@code nvidia-smi} output: any text parses without an exception into at
 * most one reading per line, each with a non-negative index, a trimmed non-empty name or none, and
 * only finite, non-negative numbers (what is not such a number is left null); a line written as
 * nvidia-smi writes it parses back to its values.
 *
 * <p>An input is the output of nvidia-smi. Seeds: {@code
 * src/test/resources/io/realtime/metrics/nvml/NvidiaSmiParserFuzzTestInputs/parse/}; see
 * docs/fuzzing.md.
 */
class NvidiaSmiParserFuzzTest {

  /** The longest one call may take; generous, for GC pauses on a loaded 2-core machine. */
  private static final long MIB = 1024L * 1024L;

  static {
    NvidiaSmiParser.parse("0, A100, 50, 300.0, 100, 40960, 99\n");
  }

  @FuzzTest(maxDuration = "20s")
  void parse(FuzzedDataProvider data) {
    String output = data.consumeRemainingAsString();

    List<GpuReading> readings = timedParse(output);
    long lines = output.chars().filter(c -> c == '\n').count() + 1;
    assertThat((long) readings.size()).isLessThanOrEqualTo(lines);
    for (GpuReading reading : readings) {
      assertThat(reading.index()).as("index of %s", reading).isNotNegative();
      if (reading.name() != null) {
        assertThat(reading.name()).isNotEmpty().isEqualTo(reading.name().trim());
      }
      for (Double value :
          new Double[] {reading.utilization(), reading.temperature(), reading.powerWatts()}) {
        if (value != null) {
          assertThat(value).as("a number of %s", reading).isFinite().isNotNegative();
        }
      }
      for (Long bytes : new Long[] {reading.memoryUsedBytes(), reading.memoryTotalBytes()}) {
        if (bytes != null) {
          assertThat(bytes).as("memory of %s", reading).isNotNegative().isLessThan(Long.MAX_VALUE);
        }
      }
      // What the dashboard gets from it is computable.
      reading.toStatus();
      reading.toPerformance();
    }

    // A line as nvidia-smi writes it, with values taken from the input, reads back.
    int hash = output.hashCode();
    int index = (hash >>> 1) % 16;
    StringBuilder kept = new StringBuilder();
    output.chars().filter(c -> c != ',' && c != '\r' && c != '\n').forEach(kept::appendCodePoint);
    String name = kept.toString().trim();
    long usedMib = Integer.toUnsignedLong(hash) % 200_000;
    long totalMib = usedMib + (hash & 0xffff);
    double temperature = (hash & 0x7f) + 0.5;
    double power = (hash >>> 20) / 100.0;
    double utilization = Math.abs(hash % 101);
    String line =
        String.join(
            ", ",
            Integer.toString(index),
            name,
            format(temperature),
            format(power),
            Long.toString(usedMib),
            Long.toString(totalMib),
            format(utilization));
    assertThat(timedParse(line + "\n"))
        .as("the line %s", line)
        .containsExactly(
            new GpuReading(
                index,
                name.isEmpty() ? null : name,
                utilization,
                usedMib * MIB,
                totalMib * MIB,
                temperature,
                power));
  }

  private static String format(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static List<GpuReading> timedParse(String output) {
    return timed("parse", () -> NvidiaSmiParser.parse(output));
  }
}
