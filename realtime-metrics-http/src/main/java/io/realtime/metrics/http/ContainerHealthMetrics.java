package io.realtime.metrics.http;

import io.realtime.message.payload.PerformanceUpdate.ContainerHealth;
import io.realtime.metrics.MetricSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of named containers, each probed with {@code GET} on its health URL, in the order
 * given. The rules: 200 is running/healthy; another status is running/unhealthy; a refused
 * connection is unknown/unhealthy; a timeout is running/unhealthy (it accepted the connection); any
 * other failure is unknown/unhealthy.
 */
public final class ContainerHealthMetrics implements MetricSource<List<ContainerHealth>> {

  private final Map<String, URI> containers;
  private final HttpProbe probe;

  /**
   * Creates the source.
   *
   * @param containers container name to health URL, probed in iteration order
   * @param probe the HTTP probe and its timeout
   */
  public ContainerHealthMetrics(Map<String, URI> containers, HttpProbe probe) {
    Objects.requireNonNull(containers, "containers");
    containers.forEach(
        (name, uri) -> {
          if (name == null || name.isBlank() || uri == null) {
            throw new IllegalArgumentException(
                "container needs a name and a URL, got '" + name + "' -> " + uri);
          }
        });
    this.containers = new LinkedHashMap<>(containers);
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  @Override
  public List<ContainerHealth> collect() throws InterruptedException {
    List<ContainerHealth> health = new ArrayList<>(containers.size());
    for (Map.Entry<String, URI> container : containers.entrySet()) {
      health.add(judge(container.getKey(), probe.get(container.getValue())));
    }
    return List.copyOf(health);
  }

  static ContainerHealth judge(String name, HttpProbe.Result result) {
    return switch (result.outcome()) {
      case RESPONDED ->
          new ContainerHealth(
              name, "running", result.statusCode() == 200 ? "healthy" : "unhealthy");
      case TIMED_OUT -> new ContainerHealth(name, "running", "unhealthy");
      case CONNECT_FAILED, FAILED -> new ContainerHealth(name, "unknown", "unhealthy");
    };
  }
}
