package io.realtime.metrics.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.metrics.MetricSource;
import java.net.URI;
import java.util.Objects;

/**
 * A llama.cpp server's slots, from {@code GET {baseUrl}/slots}: {@code slots_active} counts slots
 * that are processing ({@code is_processing} true, or on older servers {@code state} other than 0),
 * {@code slots_total} counts all slots and {@code context_size} is the first slot's {@code n_ctx}.
 * A server that fails, times out, answers other than 200 or with something other than a list of
 * slots reads {@code {"status":"unreachable","slots_active":0,"slots_total":0,"context_size":0}}.
 */
public final class LlamaSlotsMetrics implements MetricSource<AiModelStatus> {

  private final String model;
  private final URI slotsUri;
  private final HttpProbe probe;

  /**
   * Creates the source.
   *
   * @param model the model's name in {@code ai_models}, for example {@code nemotron}
   * @param baseUrl the llama.cpp server's base URL
   * @param probe the HTTP probe and its timeout
   */
  public LlamaSlotsMetrics(String model, URI baseUrl, HttpProbe probe) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model name must not be blank, got '" + model + "'");
    }
    this.model = model;
    this.slotsUri = HttpProbe.resolve(Objects.requireNonNull(baseUrl, "baseUrl"), "slots");
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  @Override
  public AiModelStatus collect() throws InterruptedException {
    HttpProbe.Result result = probe.get(slotsUri);
    JsonNode slots = result.isOk() ? result.json() : null;
    if (slots == null || !slots.isArray()) {
      return new AiModelStatus("unreachable", null, model, null, 0, 0, 0);
    }
    int active = 0;
    for (JsonNode slot : slots) {
      if (isProcessing(slot)) {
        active++;
      }
    }
    Integer context = slots.size() == 0 ? null : slots.get(0).path("n_ctx").asInt(0);
    return new AiModelStatus("healthy", null, model, null, active, slots.size(), context);
  }

  private static boolean isProcessing(JsonNode slot) {
    JsonNode processing = slot.path("is_processing");
    if (processing.isBoolean()) {
      return processing.asBoolean();
    }
    return slot.path("state").asInt(0) != 0;
  }
}
