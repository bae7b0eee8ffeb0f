package io.realtime.test;

import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock and scheduler that move only when a test says so. {@link #advance(Duration)} moves time
 * forward and runs, on the calling thread and in order, every task that falls due on the way, so
 * circuit breakers, backoffs and timeouts are tested without waiting.
 *
 * <p>Thread-safe; tasks run outside its lock.
 */
public final class ManualTime implements TimeSource, TaskScheduler {

  private final Instant origin;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private final List<Duration> scheduledDelays = new ArrayList<>();
  private long nanos;
  private long sequence;

  /** Starts at 2026-01-01T00:00:00Z. */
  public ManualTime() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * Starts at a given wall-clock time.
   *
   * @param origin the wall-clock time of the start
   */
  public ManualTime(Instant origin) {
    this.origin = origin;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return origin.plusNanos(nanos);
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Task scheduled = new Task(nanos + Math.max(0, delay.toNanos()), sequence++, task);
    tasks.add(scheduled);
    scheduledDelays.add(delay);
    return () -> {
      synchronized (ManualTime.this) {
        tasks.remove(scheduled);
      }
    };
  }

  /**
   * Moves time forward, running every task due on the way, in order of due time.
   *
   * @param duration how far to move, zero or more
   */
  public void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = nanos + duration.toNanos();
    }
    while (true) {
      Task due;
      synchronized (this) {
        Task next = tasks.peek();
        if (next == null || next.dueNanos > target) {
          nanos = target;
          return;
        }
        due = tasks.poll();
        nanos = Math.max(nanos, due.dueNanos);
      }
      due.task.run();
    }
  }

  /** Runs the tasks due now without moving time. */
  public void runDueTasks() {
    advance(Duration.ZERO);
  }

  /**
   * Returns the delays of every task scheduled so far, in scheduling order.
   *
   * @return a snapshot
   */
  public synchronized List<Duration> scheduledDelays() {
    return List.copyOf(scheduledDelays);
  }

  /**
   * Returns how many tasks wait to run.
   *
   * @return the count
   */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  /**
   * Returns the time until the next task is due.
   *
   * @return the delay, or {@code null} when no task waits
   */
  public synchronized Duration untilNextTask() {
    Task next = tasks.peek();
    return next == null ? null : Duration.ofNanos(Math.max(0, next.dueNanos - nanos));
  }

  private record Task(long dueNanos, long sequence, Runnable task) implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(dueNanos, other.dueNanos);
      return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
    }
  }
}
