package io.realtime.metrics.nvml;

import io.realtime.metrics.GpuReading;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the output of {@code nvidia-smi --query-gpu=index,name,temperature.gpu,power.draw,
 * memory.used,memory.total,utilization.gpu --format=csv,noheader,nounits}: one line per GPU, memory
 * in MiB. A field reported as {@code [N/A]} (or anything not a number) is left {@code null}.
 */
public final class NvidiaSmiParser {

  /** The query the parser expects, in this order. */
  public static final String QUERY =
      "index,name,temperature.gpu,power.draw,memory.used,memory.total,utilization.gpu";

  private static final long BYTES_PER_MIB = 1024L * 1024L;

  private NvidiaSmiParser() {}

  /**
   * Parses the output.
   *
   * @param output what nvidia-smi printed
   * @return one reading per well-formed line, in order
   */
  public static List<GpuReading> parse(String output) {
    List<GpuReading> readings = new ArrayList<>();
    for (String line : output.split("\r?\n")) {
      String[] fields = line.split(",");
      if (fields.length != 7) {
        continue;
      }
      Double index = number(fields[0]);
      if (index == null) {
        continue;
      }
      Double used = number(fields[4]);
      Double total = number(fields[5]);
      readings.add(
          new GpuReading(
              index.intValue(),
              fields[1].trim().isEmpty() ? null : fields[1].trim(),
              number(fields[6]),
              used == null ? null : (long) (used * BYTES_PER_MIB),
              total == null ? null : (long) (total * BYTES_PER_MIB),
              number(fields[2]),
              number(fields[3])));
    }
    return readings;
  }

  private static Double number(String field) {
    try {
      return Double.parseDouble(field.trim());
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }
}
