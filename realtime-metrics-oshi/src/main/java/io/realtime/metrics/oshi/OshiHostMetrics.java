package io.realtime.metrics.oshi;

import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.metrics.MetricSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSFileStore;

/**
 * The host section through OSHI: {@code cpu_percent} over the interval since the previous
 * collection (the first collection measures from construction, and an interval too short to measure
 * reports {@code null}, never a meaningless 0), RAM used and total, and the used and total size of
 * the file store holding a configured path. Values in GB have two decimals.
 */
public final class OshiHostMetrics implements MetricSource<HostStats> {

  private static final double BYTES_PER_GB = 1024.0 * 1024.0 * 1024.0;

  private final CentralProcessor processor;
  private final GlobalMemory memory;
  private final SystemInfo system;
  private final Path disk;
  private long[] previousTicks;

  /**
   * Creates the source and takes the first CPU sample.
   *
   * @param diskPath a path on the disk to report, for example {@code /}
   */
  public OshiHostMetrics(String diskPath) {
    this.disk = Path.of(Objects.requireNonNull(diskPath, "diskPath")).toAbsolutePath();
    this.system = new SystemInfo();
    this.processor = system.getHardware().getProcessor();
    this.memory = system.getHardware().getMemory();
    this.previousTicks = processor.getSystemCpuLoadTicks();
  }

  @Override
  public HostStats collect() {
    Double cpu = cpuPercent();
    long total = memory.getTotal();
    Double ramTotal = total > 0 ? gb(total) : null;
    Double ramUsed = total > 0 ? gb(total - memory.getAvailable()) : null;
    OSFileStore store = fileStore();
    Double diskTotal =
        store == null || store.getTotalSpace() <= 0 ? null : gb(store.getTotalSpace());
    Double diskUsed = diskTotal == null ? null : gb(store.getTotalSpace() - store.getUsableSpace());
    return new HostStats(cpu, ramUsed, ramTotal, diskUsed, diskTotal);
  }

  private synchronized Double cpuPercent() {
    long[] ticks = processor.getSystemCpuLoadTicks();
    long elapsed = 0;
    for (int i = 0; i < ticks.length; i++) {
      elapsed += ticks[i] - previousTicks[i];
    }
    if (elapsed <= 0) {
      return null;
    }
    double load = processor.getSystemCpuLoadBetweenTicks(previousTicks);
    previousTicks = ticks;
    return load < 0 ? null : Math.round(load * 1000.0) / 10.0;
  }

  /** The file store whose mount point is the longest prefix of the path; null if none. */
  private OSFileStore fileStore() {
    if (!Files.exists(disk)) {
      return null;
    }
    OSFileStore best = null;
    for (OSFileStore store : system.getOperatingSystem().getFileSystem().getFileStores()) {
      String mount = store.getMount();
      if (mount != null
          && disk.startsWith(Path.of(mount))
          && (best == null || mount.length() > best.getMount().length())) {
        best = store;
      }
    }
    return best;
  }

  private static double gb(long bytes) {
    return Math.round(bytes / BYTES_PER_GB * 100.0) / 100.0;
  }
}
