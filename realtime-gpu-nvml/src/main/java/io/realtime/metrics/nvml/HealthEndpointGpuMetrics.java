package io.realtime.metrics.nvml;

import com.fasterxml.jackson.databind.JsonNode;
import io.realtime.metrics.GpuReading;
import io.realtime.metrics.MetricSource;
import io.realtime.metrics.http.HttpProbe;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The GPU an AI service reports on its {@code /health}: {@code device} as the name, {@code
 * gpu_utilization}, {@code vram_used_gb}, {@code vram_total_gb}, {@code temperature} and {@code
 * power_watts}, the last fallback when neither NVML nor {@code nvidia-smi} works. A field the body
 * lacks stays {@code null}; unlike the original, the VRAM total is never guessed. A service that
 * fails, or whose body names no GPU figure at all, reports absent.
 */
public final class HealthEndpointGpuMetrics implements MetricSource<List<GpuReading>> {

  private static final double BYTES_PER_GIB = 1024.0 * 1024.0 * 1024.0;

  private final URI healthUri;
  private final HttpProbe probe;

  /**
   * Creates the source.
   *
   * @param baseUrl the AI service's base URL; {@code /health} is appended
   * @param probe the HTTP probe and its timeout
   */
  public HealthEndpointGpuMetrics(URI baseUrl, HttpProbe probe) {
    this.healthUri = HttpProbe.resolve(Objects.requireNonNull(baseUrl, "baseUrl"), "health");
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  @Override
  public List<GpuReading> collect() throws InterruptedException {
    HttpProbe.Result result = probe.get(healthUri);
    if (!result.isOk()) {
      return null;
    }
    JsonNode body = result.json();
    Double utilization = number(body, "gpu_utilization");
    Double usedGb = number(body, "vram_used_gb");
    Double totalGb = number(body, "vram_total_gb");
    Double temperature = number(body, "temperature");
    Double power = number(body, "power_watts");
    if (utilization == null && usedGb == null && temperature == null && power == null) {
      return null;
    }
    return List.of(
        new GpuReading(
            0,
            body.path("device").isTextual() ? body.path("device").asText() : null,
            utilization,
            bytes(usedGb),
            bytes(totalGb),
            temperature,
            power));
  }

  private static Double number(JsonNode body, String field) {
    JsonNode value = body.path(field);
    return value.isNumber() ? value.asDouble() : null;
  }

  private static Long bytes(Double gib) {
    return gib == null ? null : Math.round(gib * BYTES_PER_GIB);
  }
}
