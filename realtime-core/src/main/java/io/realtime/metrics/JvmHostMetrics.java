package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate.HostStats;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Objects;

/**
 * Host metrics from the JVM alone, for hosts that do not wire the OSHI module: system CPU load, RAM
 * and the disk holding a path, through {@code com.sun.management.OperatingSystemMXBean}. A reading
 * the JVM cannot give (another JVM vendor, a path that does not exist) is left {@code null}; all
 * absent makes the section absent.
 */
public final class JvmHostMetrics implements MetricSource<HostStats> {

  private static final double BYTES_PER_GB = 1024.0 * 1024.0 * 1024.0;

  private final File disk;
  private final com.sun.management.OperatingSystemMXBean os;

  /**
   * Creates the source.
   *
   * @param diskPath a path on the disk to report, for example {@code /}
   */
  public JvmHostMetrics(String diskPath) {
    this.disk = new File(Objects.requireNonNull(diskPath, "diskPath"));
    OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
    this.os = bean instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
  }

  @Override
  public HostStats collect() {
    Double cpu = null;
    Double ramUsed = null;
    Double ramTotal = null;
    if (os != null) {
      double load = os.getCpuLoad();
      cpu = load < 0 ? null : round1(load * 100.0);
      long total = os.getTotalMemorySize();
      if (total > 0) {
        ramTotal = gb(total);
        ramUsed = gb(total - os.getFreeMemorySize());
      }
    }
    Double diskUsed = null;
    Double diskTotal = null;
    long diskBytes = disk.getTotalSpace();
    if (diskBytes > 0) {
      diskTotal = gb(diskBytes);
      diskUsed = gb(diskBytes - disk.getFreeSpace());
    }
    if (cpu == null && ramTotal == null && diskTotal == null) {
      return null;
    }
    return new HostStats(cpu, ramUsed, ramTotal, diskUsed, diskTotal);
  }

  private static double gb(long bytes) {
    return Math.round(bytes / BYTES_PER_GB * 100.0) / 100.0;
  }

  private static double round1(double value) {
    return Math.round(value * 10.0) / 10.0;
  }
}
