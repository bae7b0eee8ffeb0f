package io.realtime.message.payload;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data of a {@code system_status} message, in the seed document's shape. A section whose source
 * is absent or failed is {@code null}. The envelope carries the timestamp.
 *
 * @param gpu the GPU, or {@code null}
 * @param queues the pipeline queue depths, or {@code null}
 * @param cameras the camera counts, or {@code null}
 * @param services service name to health ({@code "healthy"}, {@code "unhealthy"}, ...), or {@code
 *     null}
 * @param instance the id of the instance that collected it, or {@code null} (left out of the JSON)
 */
@JsonPropertyOrder({"gpu", "queues", "cameras", "services", "instance"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SystemStatus(
    GpuStatus gpu,
    QueueDepths queues,
    CameraCounts cameras,
    Map<String, String> services,
    @JsonInclude(JsonInclude.Include.NON_NULL) String instance) {
  /**
   * Validates the components.
   *
   * @param gpu the GPU, or {@code null}
   * @param queues the pipeline queue depths, or {@code null}
   * @param cameras the camera counts, or {@code null}
   * @param services service name to health ({@code "healthy"}, {@code "unhealthy"}, ...), or {@code
   *     null}
   * @param instance the id of the instance that collected it, or {@code null} (left out of the
   *     JSON)
   */
  public SystemStatus {
    services = services == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(services));
  }

  /**
   * The GPU section of {@code system_status}.
   *
   * @param name the device name
   * @param utilization utilization in percent
   * @param memoryUsed memory used in MiB
   * @param memoryTotal total memory in MiB
   * @param temperature temperature in degrees Celsius
   * @param powerUsage power draw in watts
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record GpuStatus(
      String name,
      Double utilization,
      Long memoryUsed,
      Long memoryTotal,
      Double temperature,
      Double powerUsage) {}

  /**
   * The queue section of {@code system_status}.
   *
   * @param detectionQueue items waiting for detection
   * @param analysisQueue batches waiting for analysis
   * @param dlqTotal items in the dead-letter queues
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record QueueDepths(Long detectionQueue, Long analysisQueue, Long dlqTotal) {}

  /**
   * The camera section of {@code system_status}.
   *
   * @param total cameras configured
   * @param online cameras online
   * @param offline cameras offline
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record CameraCounts(Integer total, Integer online, Integer offline) {}
}
