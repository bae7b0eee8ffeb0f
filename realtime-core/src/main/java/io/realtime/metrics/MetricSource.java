package io.realtime.metrics;

/**
 * Reads one section of the system status: the GPU, the host, PostgreSQL, an AI model... The host
 * application creates each source and registers it with {@link MetricSources} itself; nothing is
 * discovered (the shape of Micrometer's {@code MeterBinder}).
 *
 * <p>A source whose sensor is absent (no GPU, no driver, no such disk) returns {@code null}: the
 * section is then reported as absent. It should not throw; if it throws anyway, or takes longer
 * than its timeout, only its own section is affected: it becomes {@code null}, or {@code
 * {"status":"unreachable"}} for the database sections, and every other section is collected as
 * usual. A source that still runs from the previous collection is not called again.
 *
 * @param <T> the section's type
 */
@FunctionalInterface
public interface MetricSource<T> {

  /**
   * Reads the section.
   *
   * @return the reading, or {@code null} when the sensor is absent
   * @throws Exception on a failure, which affects this section only
   */
  T collect() throws Exception;
}
