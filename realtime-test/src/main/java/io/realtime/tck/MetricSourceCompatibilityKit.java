package io.realtime.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.realtime.metrics.MetricSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetricSource} must do. Subclass it with a source that has its sensor and one
 * that lacks it:
 *
 * <pre>{@code
 * class HostMetricsCompatibilityTest extends MetricSourceCompatibilityKit {
 *   protected MetricSource<?> createSource() { return new HostMetrics("/"); }
 *   protected MetricSource<?> createSourceWithoutItsSensor() { return new HostMetrics("/missing"); }
 * }
 * }</pre>
 */
public abstract class MetricSourceCompatibilityKit {

  /**
   * Creates a source whose sensor is present on this machine (a real one, or a fake at the real
   * boundary, such as a fake native library).
   *
   * @return the source
   */
  protected abstract MetricSource<?> createSource();

  /**
   * Creates a source whose sensor is missing.
   *
   * @return the source
   */
  protected abstract MetricSource<?> createSourceWithoutItsSensor();

  /**
   * Tells whether a reading of a sensorless source is reported as absent. By default only {@code
   * null} is; a source that reports a section with its missing parts unset overrides this.
   *
   * @param reading what the sensorless source returned
   * @return {@code true} if it reports the sensor as absent
   */
  protected boolean isReportedAbsent(Object reading) {
    return reading == null;
  }

  /**
   * Returns how long one collection may take; the default source timeout.
   *
   * @return 1 second unless overridden
   */
  protected Duration timeBudget() {
    return Duration.ofSeconds(1);
  }

  @Test
  @DisplayName("a source with its sensor returns a reading")
  void returnsAReading() throws Exception {
    assertThat((Object) createSource().collect()).isNotNull();
  }

  @Test
  @DisplayName("collecting again and again is safe")
  void collectsRepeatedly() throws Exception {
    MetricSource<?> source = createSource();
    for (int i = 0; i < 3; i++) {
      assertThat((Object) source.collect()).as("collection %d", i + 1).isNotNull();
    }
    close(source);
  }

  @Test
  @DisplayName("concurrent collections are safe")
  void collectsConcurrently() throws Exception {
    MetricSource<?> source = createSource();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> readings = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        readings.add(pool.submit(() -> (Object) source.collect()));
      }
      for (Future<Object> reading : readings) {
        assertThat(reading.get(30, TimeUnit.SECONDS)).isNotNull();
      }
    } finally {
      pool.shutdownNow();
      close(source);
    }
  }

  @Test
  @DisplayName("a collection fits in the time budget")
  void fitsTheTimeBudget() throws Exception {
    MetricSource<?> source = createSource();
    source.collect(); // the first call may load libraries
    long start = System.nanoTime();
    source.collect();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeBudget());
    close(source);
  }

  @Test
  @DisplayName("a source without its sensor reports absent and never throws")
  void sensorlessSourceReportsAbsent() {
    MetricSource<?> source = createSourceWithoutItsSensor();
    Object[] reading = new Object[1];
    assertThatCode(() -> reading[0] = source.collect()).doesNotThrowAnyException();
    assertThat(isReportedAbsent(reading[0])).as("reported absent: %s", reading[0]).isTrue();
    assertThatCode(() -> source.collect()).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("closing twice is harmless")
  void closeIsIdempotent() throws Exception {
    MetricSource<?> source = createSource();
    source.collect();
    close(source);
    close(source);
  }

  private static void close(MetricSource<?> source) throws Exception {
    if (source instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
