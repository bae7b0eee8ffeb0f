package io.realtime.metrics.nvml;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.realtime.metrics.GpuReading;
import io.realtime.metrics.MetricSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every GPU through NVML ({@code libnvidia-ml}), bound with JNA: name, utilization, memory used and
 * total, temperature and power. A field the device does not support (NVML_ERROR_NOT_SUPPORTED or
 * any other error) is left {@code null} and the others are filled. Without NVML (no driver, no GPU,
 * a library that fails to initialise) the source reports absent: {@code null}, never an exception.
 */
public final class NvmlGpuMetrics implements MetricSource<List<GpuReading>>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NvmlGpuMetrics.class);
  private static final int NAME_LENGTH = 96;

  private final NvmlLibrary nvml;
  private volatile boolean closed;

  private NvmlGpuMetrics(NvmlLibrary nvml) {
    this.nvml = nvml;
  }

  /**
   * Loads NVML from the system's library path.
   *
   * @return the source; absent if NVML cannot be loaded
   */
  public static NvmlGpuMetrics create() {
    return load("nvidia-ml");
  }

  /**
   * Loads NVML from a given library.
   *
   * @param library a library name or the path of {@code libnvidia-ml.so}
   * @return the source; absent if the library cannot be loaded or initialised
   */
  public static NvmlGpuMetrics load(String library) {
    try {
      NvmlLibrary nvml = Native.load(library, NvmlLibrary.class);
      int status = nvml.nvmlInit_v2();
      if (status != NvmlLibrary.SUCCESS) {
        log.info("NVML did not initialise (status {}): GPU metrics absent", status);
        return new NvmlGpuMetrics(null);
      }
      return new NvmlGpuMetrics(nvml);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      // JNA lists every place it looked, a line each; a log line stays one line.
      String why = String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ");
      log.info("NVML is not available ({}): GPU metrics absent", why);
      return new NvmlGpuMetrics(null);
    }
  }

  /**
   * Tells whether NVML was loaded and initialised.
   *
   * @return {@code true} if readings can be taken
   */
  public boolean isAvailable() {
    return nvml != null && !closed;
  }

  @Override
  public List<GpuReading> collect() {
    if (!isAvailable()) {
      return null;
    }
    IntByReference count = new IntByReference();
    if (nvml.nvmlDeviceGetCount_v2(count) != NvmlLibrary.SUCCESS) {
      return null;
    }
    List<GpuReading> readings = new ArrayList<>(count.getValue());
    for (int index = 0; index < count.getValue(); index++) {
      PointerByReference handle = new PointerByReference();
      if (nvml.nvmlDeviceGetHandleByIndex_v2(index, handle) == NvmlLibrary.SUCCESS) {
        readings.add(read(index, handle.getValue()));
      }
    }
    return readings.isEmpty() ? null : List.copyOf(readings);
  }

  private GpuReading read(int index, Pointer device) {
    byte[] name = new byte[NAME_LENGTH];
    String deviceName =
        nvml.nvmlDeviceGetName(device, name, name.length) == NvmlLibrary.SUCCESS
            ? text(name)
            : null;
    NvmlLibrary.Utilization utilization = new NvmlLibrary.Utilization();
    Double gpuUtilization =
        nvml.nvmlDeviceGetUtilizationRates(device, utilization) == NvmlLibrary.SUCCESS
            ? (double) utilization.gpu
            : null;
    NvmlLibrary.Memory memory = new NvmlLibrary.Memory();
    boolean memoryRead = nvml.nvmlDeviceGetMemoryInfo(device, memory) == NvmlLibrary.SUCCESS;
    IntByReference celsius = new IntByReference();
    Double temperature =
        nvml.nvmlDeviceGetTemperature(device, NvmlLibrary.TEMPERATURE_GPU, celsius)
                == NvmlLibrary.SUCCESS
            ? (double) celsius.getValue()
            : null;
    IntByReference milliwatts = new IntByReference();
    Double watts =
        nvml.nvmlDeviceGetPowerUsage(device, milliwatts) == NvmlLibrary.SUCCESS
            ? Integer.toUnsignedLong(milliwatts.getValue()) / 1000.0
            : null;
    return new GpuReading(
        index,
        deviceName,
        gpuUtilization,
        memoryRead ? memory.used : null,
        memoryRead ? memory.total : null,
        temperature,
        watts);
  }

  private static String text(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** Shuts NVML down; closing again does nothing. */
  @Override
  public synchronized void close() {
    if (nvml != null && !closed) {
      closed = true;
      nvml.nvmlShutdown();
    }
  }
}
