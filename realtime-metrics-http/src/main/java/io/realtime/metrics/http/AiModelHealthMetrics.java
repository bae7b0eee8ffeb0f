package io.realtime.metrics.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.metrics.MetricSource;
import java.net.URI;
import java.util.Objects;

/**
 * An AI model service's health, from {@code GET {baseUrl}/health}: {@code status} is {@code
 * healthy} when the body says so and {@code unhealthy} otherwise, {@code vram_gb} comes from {@code
 * vram_used_gb}, {@code model} from {@code model_name} (default: the configured name) and {@code
 * device} (default {@code unknown}). A service that fails, times out or answers other than 200
 * reads {@code {"status":"unreachable","vram_gb":0,"model":name,"device":"unknown"}}.
 */
public final class AiModelHealthMetrics implements MetricSource<AiModelStatus> {

  private final String model;
  private final URI healthUri;
  private final HttpProbe probe;

  /**
   * Creates the source.
   *
   * @param model the model's name, used when the body does not give one
   * @param baseUrl the service's base URL, for example {@code http://ai-detector:8090}
   * @param probe the HTTP probe and its timeout
   */
  public AiModelHealthMetrics(String model, URI baseUrl, HttpProbe probe) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank, got '" + model + "'");
    }
    this.model = model;
    this.healthUri = HttpProbe.resolve(Objects.requireNonNull(baseUrl, "baseUrl"), "health");
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  /**
   * Returns the model's name.
   *
   * @return the name
   */
  public String model() {
    return model;
  }

  @Override
  public AiModelStatus collect() throws InterruptedException {
    HttpProbe.Result result = probe.get(healthUri);
    if (!result.isOk()) {
      return new AiModelStatus("unreachable", 0.0, model, "unknown", null, null, null);
    }
    JsonNode body = result.json();
    return new AiModelStatus(
        "healthy".equals(body.path("status").asText()) ? "healthy" : "unhealthy",
        body.path("vram_used_gb").isNumber() ? body.path("vram_used_gb").asDouble() : null,
        body.path("model_name").isTextual() ? body.path("model_name").asText() : model,
        body.path("device").isTextual() ? body.path("device").asText() : "unknown",
        null,
        null,
        null);
  }
}
