package io.realtime.redis;

import io.realtime.message.payload.SystemStatus.QueueDepths;
import io.realtime.metrics.MetricSource;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.UnifiedJedis;

/**
 * The queue section of {@code system_status}: {@code LLEN} of the pipeline's Redis lists, the
 * detection and analysis queues and the dead-letter queues (summed as {@code dlq_total}). Key names
 * are configured as the pipeline writes them; a missing list counts 0. A Redis failure throws, so
 * the section is reported absent for that collection only.
 */
public final class RedisQueueMetrics implements MetricSource<QueueDepths> {

  private final UnifiedJedis redis;
  private final String detectionKey;
  private final String analysisKey;
  private final List<String> deadLetterKeys;

  /**
   * Creates the source.
   *
   * @param transport the Redis transport whose connection it shares
   * @param detectionKey the detection queue's key, for example {@code detection_queue}
   * @param analysisKey the analysis queue's key, for example {@code analysis_queue}
   * @param deadLetterKeys the dead-letter queues' keys
   */
  public RedisQueueMetrics(
      RedisTransport transport,
      String detectionKey,
      String analysisKey,
      List<String> deadLetterKeys) {
    this.redis = transport.commands();
    this.detectionKey = Objects.requireNonNull(detectionKey, "detectionKey");
    this.analysisKey = Objects.requireNonNull(analysisKey, "analysisKey");
    this.deadLetterKeys = List.copyOf(deadLetterKeys);
  }

  @Override
  public QueueDepths collect() {
    long deadLetters = 0;
    for (String key : deadLetterKeys) {
      deadLetters += redis.llen(key);
    }
    return new QueueDepths(redis.llen(detectionKey), redis.llen(analysisKey), deadLetters);
  }
}
