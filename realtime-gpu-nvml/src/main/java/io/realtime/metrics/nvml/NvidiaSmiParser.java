package io.realtime.metrics.nvml;

import io.realtime.metrics.GpuReading;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the output of {@code nvidia-smi --query-gpu=index,name,temperature.gpu,power.draw,
 * memory.used,memory.total,utilization.gpu --format=csv,noheader,nounits}: one line per GPU, memory
 * in MiB. A field reported as {@code [N/A]}, or anything else that is not a non-negative decimal
 * number as nvidia-smi prints it ({@code NaN}, {@code -5}, {@code 1e3}), is left {@code null}; so
 * is memory too large for a long in bytes. A line whose index is not such an integer is skipped.
 */
public final class NvidiaSmiParser {

  /** The query the parser expects, in this order. */
  public static final String QUERY =
      "index,name,temperature.gpu,power.draw,memory.used,memory.total,utilization.gpu";

  private static final long BYTES_PER_MIB = 1024L * 1024L;

  /** 2^63 as a double: bytes at or past it do not fit in a long. */
  private static final double MAX_BYTES = 0x1p63;

  /** The most digits read on either side of the point: more than any reading has. */
  private static final int MAX_DIGITS = 20;

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
      Integer index = index(fields[0]);
      if (index == null) {
        continue;
      }
      readings.add(
          new GpuReading(
              index,
              fields[1].trim().isEmpty() ? null : fields[1].trim(),
              number(fields[6]),
              bytes(number(fields[4])),
              bytes(number(fields[5])),
              number(fields[2]),
              number(fields[3])));
    }
    return readings;
  }

  /** A GPU index: a decimal integer from 0 to {@link Integer#MAX_VALUE}, or null. */
  private static Integer index(String field) {
    String text = field.trim();
    if (digits(text, 0) != text.length() || text.length() > 10) {
      return null;
    }
    long index = Long.parseLong(text);
    return index <= Integer.MAX_VALUE ? (Integer) (int) index : null;
  }

  /** A reading: a finite, non-negative decimal as nvidia-smi prints it, or null. */
  private static Double number(String field) {
    String text = field.trim();
    int point = digits(text, 0);
    boolean decimal =
        point > 0
            && (point == text.length()
                || (text.charAt(point) == '.' && digits(text, point + 1) == text.length()));
    if (!decimal || point > MAX_DIGITS || text.length() - point > MAX_DIGITS + 1) {
      return null;
    }
    double value = Double.parseDouble(text);
    return Double.isFinite(value) ? value : null;
  }

  /**
   * Returns the end of the run of ASCII digits starting at {@code from}, or -1 when there is none.
   */
  private static int digits(String text, int from) {
    int end = from;
    while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
      end++;
    }
    return end > from ? end : -1;
  }

  /** MiB in bytes, or null when there is no number or a long cannot hold it. */
  private static Long bytes(Double mib) {
    if (mib == null) {
      return null;
    }
    double bytes = mib * BYTES_PER_MIB;
    return bytes < MAX_BYTES ? (Long) (long) bytes : null;
  }
}
