package io.realtime.metrics.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.realtime.metrics.GpuReading;
import io.realtime.metrics.MetricSource;
import io.realtime.metrics.http.HttpProbe;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GpuSourcesTest {

  private HttpServer aiService;
  private volatile String health;

  @BeforeEach
  void startAiService() throws Exception {
    aiService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    aiService.createContext(
        "/health",
        exchange -> {
          byte[] body = health.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    aiService.start();
  }

  @AfterEach
  void stopAiService() {
    aiService.stop(0);
  }

  @Test
  void nvmlComesFirst() throws Exception {
    health = "{\"device\":\"cuda:0\",\"gpu_utilization\":5}";

    assertThat(chain(NvmlGpuMetrics.load(FakeNvml.working().toString())).collect())
        .extracting(GpuReading::name)
        .containsExactly("NVIDIA RTX A5500", "NVIDIA T4");
  }

  @Test
  void withoutNvmlOrNvidiaSmiTheAiServiceHealthIsRead() throws Exception {
    health =
        "{\"status\":\"healthy\",\"device\":\"cuda:0\",\"gpu_utilization\":41.5,"
            + "\"vram_used_gb\":3.5,\"temperature\":66}";

    List<GpuReading> readings = chain(NvmlGpuMetrics.load("/no/such/lib.so")).collect();

    assertThat(readings)
        .containsExactly(new GpuReading(0, "cuda:0", 41.5, 3_758_096_384L, null, 66.0, null));
  }

  @Test
  void aHealthBodyWithoutGpuFiguresLeavesTheChainAbsent() throws Exception {
    health = "{\"status\":\"healthy\",\"model_name\":\"yolo26\"}";

    assertThat(chain(NvmlGpuMetrics.load("/no/such/lib.so")).collect()).isNull();
  }

  @Test
  void aSourceThatThrowsCountsAsAbsent() throws Exception {
    MetricSource<List<GpuReading>> broken =
        () -> {
          throw new IllegalStateException("driver went away");
        };
    health = "{\"gpu_utilization\":1}";

    assertThat(GpuSources.firstAvailable(List.of(broken, aiHealth())).collect()).hasSize(1);
  }

  private MetricSource<List<GpuReading>> chain(NvmlGpuMetrics nvml) {
    return GpuSources.firstAvailable(
        List.of(
            nvml,
            new NvidiaSmiGpuMetrics("/no/such/nvidia-smi", Duration.ofSeconds(1)),
            aiHealth()));
  }

  private HealthEndpointGpuMetrics aiHealth() {
    return new HealthEndpointGpuMetrics(
        URI.create("http://127.0.0.1:" + aiService.getAddress().getPort()),
        new HttpProbe(Duration.ofSeconds(2)));
  }
}
