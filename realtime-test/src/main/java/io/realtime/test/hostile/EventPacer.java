package io.realtime.test.hostile;

import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Publishes an {@code event} at a steady pace, each stamped with its publish time in {@code
 * started_at}, which is what {@link VictimProbe} measures latency from.
 */
public final class EventPacer implements AutoCloseable {

  private final AtomicLong published = new AtomicLong();
  private final AtomicReference<RuntimeException> lastFailure = new AtomicReference<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "event-pacer");
            thread.setDaemon(true);
            return thread;
          });

  private EventPacer(Duration period, Consumer<Envelope> publish) {
    Objects.requireNonNull(publish, "publish");
    timer.scheduleAtFixedRate(
        () -> {
          try {
            publish.accept(event(published.incrementAndGet()));
          } catch (RuntimeException e) {
            lastFailure.set(e);
          }
        },
        0,
        period.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /**
   * Starts publishing.
   *
   * @param period the time between two events
   * @param publish publishes one event, e.g. {@code events::publish}; it should not block
   * @return the pacer
   */
  public static EventPacer start(Duration period, Consumer<Envelope> publish) {
    return new EventPacer(period, publish);
  }

  /**
   * Returns an event whose {@code started_at} is now.
   *
   * @param id its id
   * @return the event
   */
  public static Envelope event(long id) {
    return Envelope.event(
        SecurityEvent.of(
            id,
            id,
            "paced",
            "front_door",
            50,
            RiskLevel.MEDIUM,
            "paced event " + id,
            Instant.now().toString()));
  }

  /**
   * Returns how many events were handed to the publisher.
   *
   * @return the count
   */
  public long published() {
    return published.get();
  }

  /**
   * Returns the last failure of the publisher, if any.
   *
   * @return the failure, or {@code null}
   */
  public RuntimeException lastFailure() {
    return lastFailure.get();
  }

  /** Stops publishing. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
