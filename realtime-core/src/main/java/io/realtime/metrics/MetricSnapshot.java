package io.realtime.metrics;

import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One collection of every registered section, taken at one time. Sections that are absent, failed
 * or not registered read as their failure value or {@code null}.
 */
public final class MetricSnapshot {

  private final Instant timestamp;
  private final Map<String, Object> sections;
  private final Map<String, AiModelStatus> aiModels;
  private final String llmModel;

  /**
   * Creates a snapshot.
   *
   * @param timestamp when it was collected
   * @param sections section name to value
   * @param aiModels AI model name to status, in registration order
   * @param llmModel the model reported as {@code nemotron}, or {@code null}
   */
  public MetricSnapshot(
      Instant timestamp,
      Map<String, Object> sections,
      Map<String, AiModelStatus> aiModels,
      String llmModel) {
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    this.sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    this.aiModels = Collections.unmodifiableMap(new LinkedHashMap<>(aiModels));
    this.llmModel = llmModel;
  }

  /**
   * Returns when the snapshot was collected.
   *
   * @return the time
   */
  public Instant timestamp() {
    return timestamp;
  }

  /**
   * Returns a section's value.
   *
   * @param section the section
   * @param <T> its type
   * @return the value, or {@code null} when absent, failed without a failure value, or not
   *     registered
   */
  public <T> T get(MetricSection<T> section) {
    return section.type().cast(sections.get(section.name()));
  }

  /**
   * Tells whether a section was registered.
   *
   * @param section the section
   * @return {@code true} if a source fills it
   */
  public boolean has(MetricSection<?> section) {
    return sections.containsKey(section.name());
  }

  /**
   * Returns the AI models' statuses, in registration order.
   *
   * @return model name to status
   */
  public Map<String, AiModelStatus> aiModels() {
    return aiModels;
  }

  /**
   * Returns the LLM's status, the {@code nemotron} field of {@code performance_update}.
   *
   * @return the status, or {@code null} when no LLM is registered
   */
  public AiModelStatus llm() {
    return llmModel == null ? null : aiModels.get(llmModel);
  }
}
