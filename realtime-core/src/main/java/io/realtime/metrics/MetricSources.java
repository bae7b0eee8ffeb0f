package io.realtime.metrics;

import io.realtime.internal.metrics.IsolatedSource;
import io.realtime.message.payload.PerformanceUpdate.AiModelStatus;
import io.realtime.message.payload.PerformanceUpdate.ContainerHealth;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.message.payload.PerformanceUpdate.InferenceStats;
import io.realtime.message.payload.PerformanceUpdate.PostgresStats;
import io.realtime.message.payload.PerformanceUpdate.RedisStats;
import io.realtime.message.payload.SystemStatus.CameraCounts;
import io.realtime.message.payload.SystemStatus.QueueDepths;
import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The metric sources a host registered, and their isolated collection. Each source runs on the
 * source executor with its own timeout (1 s by default), so one that throws or hangs affects its
 * own section only. Build with {@link #builder()}; thread-safe once built.
 */
public final class MetricSources {

  /** The default time a source gets. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private final List<IsolatedSource<?>> sources;
  private final Map<String, MetricSection<AiModelStatus>> aiModels;
  private final String llmModel;

  private MetricSources(Builder builder) {
    this.sources = List.copyOf(builder.sources);
    this.aiModels = Map.copyOf(builder.aiModels);
    this.llmModel = builder.llmModel;
  }

  /**
   * Returns a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns sources that report nothing: every section absent.
   *
   * @return the empty set of sources
   */
  public static MetricSources none() {
    return builder().build();
  }

  /**
   * Collects every section concurrently.
   *
   * @param executor where sources run; a hung source keeps one of its threads
   * @param scheduler where timeouts are scheduled
   * @param time the clock stamping the snapshot
   * @return a stage completing, never exceptionally, once every source answered or timed out
   */
  public CompletionStage<MetricSnapshot> collect(
      Executor executor, TaskScheduler scheduler, TimeSource time) {
    Instant start = time.now();
    List<CompletableFuture<?>> calls = new ArrayList<>(sources.size());
    for (IsolatedSource<?> source : sources) {
      calls.add(source.call(executor, scheduler));
    }
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              Map<String, Object> sections = new LinkedHashMap<>();
              Map<String, AiModelStatus> models = new LinkedHashMap<>();
              for (int i = 0; i < calls.size(); i++) {
                String name = sources.get(i).section().name();
                Object value = calls.get(i).join();
                sections.put(name, value);
                if (name.startsWith(AI_MODELS_PREFIX) && value != null) {
                  models.put(name.substring(AI_MODELS_PREFIX.length()), (AiModelStatus) value);
                }
              }
              return new MetricSnapshot(start, sections, models, llmModel);
            });
  }

  private static final String AI_MODELS_PREFIX = "ai_models.";

  /**
   * Returns the names of the registered AI models.
   *
   * @return the model names
   */
  public Set<String> aiModelNames() {
    return aiModels.keySet();
  }

  /** Builds {@link MetricSources}. Each section takes one source. Not thread-safe. */
  public static final class Builder {
    private final List<IsolatedSource<?>> sources = new ArrayList<>();
    private final Map<String, MetricSection<AiModelStatus>> aiModels = new LinkedHashMap<>();
    private String llmModel;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /**
     * Sets the time each source gets, for sources registered after this call; 1 s by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("source timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Registers the source of a section.
     *
     * @param section the section
     * @param source its source
     * @param <T> the section's type
     * @return this builder
     * @throws IllegalArgumentException if the section already has a source
     */
    public <T> Builder source(MetricSection<T> section, MetricSource<? extends T> source) {
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(source, "source");
      for (IsolatedSource<?> existing : sources) {
        if (existing.section().equals(section)) {
          throw new IllegalArgumentException("section " + section + " already has a source");
        }
      }
      sources.add(new IsolatedSource<>(section, source, timeout));
      return this;
    }

    /**
     * Registers the GPU source.
     *
     * @param source every GPU, the one to show first
     * @return this builder
     */
    public Builder gpus(MetricSource<List<GpuReading>> source) {
      return source(MetricSection.GPUS, source);
    }

    /**
     * Registers the host source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder host(MetricSource<HostStats> source) {
      return source(MetricSection.HOST, source);
    }

    /**
     * Registers the PostgreSQL source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder postgres(MetricSource<PostgresStats> source) {
      return source(MetricSection.POSTGRES, source);
    }

    /**
     * Registers the Redis source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder redis(MetricSource<RedisStats> source) {
      return source(MetricSection.REDIS, source);
    }

    /**
     * Registers the queue-depth source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder queues(MetricSource<QueueDepths> source) {
      return source(MetricSection.QUEUES, source);
    }

    /**
     * Registers the camera-count source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder cameras(MetricSource<CameraCounts> source) {
      return source(MetricSection.CAMERAS, source);
    }

    /**
     * Registers the source of {@code system_status.services}. Without one, services are derived
     * from the AI models and databases.
     *
     * @param source the source
     * @return this builder
     */
    public Builder services(MetricSource<Map<String, String>> source) {
      return source(MetricSection.SERVICES, source);
    }

    /**
     * Registers the inference source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder inference(MetricSource<InferenceStats> source) {
      return source(MetricSection.INFERENCE, source);
    }

    /**
     * Registers the containers source.
     *
     * @param source the source
     * @return this builder
     */
    public Builder containers(MetricSource<List<ContainerHealth>> source) {
      return source(MetricSection.CONTAINERS, source);
    }

    /**
     * Registers an AI model, shown in {@code ai_models} under its name.
     *
     * @param name the model's name, for example {@code yolo26}
     * @param source the source
     * @return this builder
     */
    public Builder aiModel(String name, MetricSource<AiModelStatus> source) {
      MetricSection<AiModelStatus> section = MetricSection.aiModel(name);
      source(section, source);
      aiModels.put(name, section);
      return this;
    }

    /**
     * Registers the LLM: an AI model that is also reported as {@code performance_update.nemotron}.
     *
     * @param name the model's name, for example {@code nemotron}
     * @param source the source
     * @return this builder
     */
    public Builder llm(String name, MetricSource<AiModelStatus> source) {
      if (llmModel != null) {
        throw new IllegalArgumentException("the LLM is already " + llmModel + "; got " + name);
      }
      aiModel(name, source);
      llmModel = name;
      return this;
    }

    /**
     * Builds the sources.
     *
     * @return the sources
     */
    public MetricSources build() {
      return new MetricSources(this);
    }
  }
}
