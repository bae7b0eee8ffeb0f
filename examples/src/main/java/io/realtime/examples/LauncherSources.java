package io.realtime.examples;

import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.message.payload.SystemStatus.QueueDepths;
import io.realtime.metrics.GpuReading;
import io.realtime.metrics.InferenceStatsMetrics;
import io.realtime.metrics.LatencyTracker;
import io.realtime.metrics.MetricSource;
import io.realtime.metrics.MetricSources;
import io.realtime.metrics.http.AiModelHealthMetrics;
import io.realtime.metrics.http.ContainerHealthMetrics;
import io.realtime.metrics.http.HttpProbe;
import io.realtime.metrics.http.LlamaSlotsMetrics;
import io.realtime.metrics.nvml.GpuSources;
import io.realtime.metrics.nvml.HealthEndpointGpuMetrics;
import io.realtime.metrics.nvml.NvidiaSmiGpuMetrics;
import io.realtime.metrics.nvml.NvmlGpuMetrics;
import io.realtime.metrics.oshi.OshiHostMetrics;
import io.realtime.metrics.postgres.PostgresConnections;
import io.realtime.metrics.postgres.PostgresMetrics;
import io.realtime.redis.RedisMetrics;
import io.realtime.redis.RedisTransport;
import io.realtime.time.TimeSource;
import io.realtime.transport.Transport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The launcher's metric sources: real ones for what the flags name, host metrics always, and
 * simulated GPU, AI models, queues and cameras for the rest while the simulator runs. Closing it
 * closes the sources that hold native or pooled resources.
 */
final class LauncherSources implements AutoCloseable {

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration NVIDIA_SMI_TIMEOUT = Duration.ofSeconds(5);
  private static final String LLM = "nemotron";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final MetricSources sources;

  LauncherSources(LauncherOptions options, LatencyTracker latencies, Transport transport) {
    boolean simulated = options.simulator();
    HttpProbe probe = new HttpProbe(HTTP_TIMEOUT);
    MetricSources.Builder builder =
        MetricSources.builder()
            .host(new OshiHostMetrics("/"))
            .inference(new InferenceStatsMetrics(latencies));
    if (options.nvmlLibrary() != null || !simulated) {
      builder.gpus(realGpus(options, probe));
    } else {
      builder.gpus(LauncherSources::simulatedGpu);
    }
    Map<String, URI> containers = new LinkedHashMap<>();
    options
        .aiHealth()
        .forEach(
            (name, url) -> {
              builder.aiModel(name, new AiModelHealthMetrics(name, url, probe));
              containers.put("ai-" + name, HttpProbe.resolve(url, "health"));
            });
    if (options.aiHealth().isEmpty() && simulated) {
      builder.aiModel("yolo26", () -> AiModelStatus.detector("healthy", 0.17, "yolo26", "cuda:0"));
    }
    if (options.llmSlotsUrl() != null) {
      builder.llm(LLM, new LlamaSlotsMetrics(LLM, options.llmSlotsUrl(), probe));
      containers.put("ai-llm", HttpProbe.resolve(options.llmSlotsUrl(), "health"));
    } else if (simulated) {
      builder.llm(
          LLM, () -> AiModelStatus.llm("healthy", ThreadLocalRandom.current().nextInt(3), 2, 4096));
    }
    if (!containers.isEmpty()) {
      builder.containers(new ContainerHealthMetrics(containers, probe));
    }
    if (options.postgresUrl() != null) {
      PostgresMetrics postgres =
          new PostgresMetrics(
              PostgresConnections.pool(
                  options.postgresUrl(),
                  null,
                  options.postgresPassword(),
                  PostgresConnections.DEFAULT_TIMEOUT),
              TimeSource.system());
      resources.add(postgres);
      builder.postgres(postgres);
    }
    if (transport instanceof RedisTransport redis) {
      builder.redis(new RedisMetrics(redis));
    }
    if (simulated) {
      builder
          .queues(() -> new QueueDepths((long) ThreadLocalRandom.current().nextInt(5), 0L, 0L))
          .cameras(() -> new CameraCounts(4, 4, 0));
    }
    sources = builder.build();
  }

  private MetricSource<List<GpuReading>> realGpus(LauncherOptions options, HttpProbe probe) {
    NvmlGpuMetrics nvml =
        options.nvmlLibrary() == null
            ? NvmlGpuMetrics.create()
            : NvmlGpuMetrics.load(options.nvmlLibrary());
    resources.add(nvml);
    List<MetricSource<List<GpuReading>>> chain = new ArrayList<>();
    chain.add(nvml);
    chain.add(new NvidiaSmiGpuMetrics("nvidia-smi", NVIDIA_SMI_TIMEOUT));
    options.aiHealth().values().forEach(url -> chain.add(new HealthEndpointGpuMetrics(url, probe)));
    return GpuSources.firstAvailable(chain);
  }

  private static List<GpuReading> simulatedGpu() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return List.of(
        new GpuReading(
            0,
            "Simulated RTX A5500",
            random.nextDouble(20, 95),
            (long) (random.nextDouble(6, 22) * 1024 * 1024 * 1024),
            24L * 1024 * 1024 * 1024,
            random.nextDouble(40, 88),
            random.nextDouble(60, 320)));
  }

  MetricSources sources() {
    return sources;
  }

  @Override
  public void close() {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        // Shutting down: a source that fails to close has nothing left to lose.
      }
    }
  }
}
