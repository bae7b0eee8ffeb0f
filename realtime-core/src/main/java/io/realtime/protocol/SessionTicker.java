package io.realtime.protocol;

import io.realtime.time.TaskScheduler;
import io.realtime.time.TimeSource;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat and idle timers of one protocol's connections, on one scheduler entry whatever
 * their number. Opening a connection adds its session to a concurrent set and closing removes it,
 * both O(1); one walk at a time visits the live sessions, fires the timers that are due and
 * schedules the next walk for the earliest timer left, but no sooner than a tick after this one.
 *
 * <p>A per-connection task would leave each closed connection's cancelled tasks in the host's
 * executor until they fall due (a {@link java.util.concurrent.ScheduledThreadPoolExecutor} removes
 * nothing on cancel by default): two per connection, 40,000 after 20,000 closes. Here at most one
 * task is queued per protocol, and none once the last connection is gone and the walk due then has
 * run.
 *
 * <p>A walk does only non-blocking work per connection (a ping goes on the connection's outbound
 * queue, an idle close starts a close that finishes off this thread), so a connection that stopped
 * reading delays no other. A timer fires less than a tick late, and on time when no other timer
 * fell due less than a tick before it. When the scheduler refuses the next walk (shut down), the
 * ticker stops.
 */
final class SessionTicker {

  /**
   * The shortest time between two walks: it bounds the work to one walk of every connection per
   * tick, where a timer per connection would wake once per connection.
   */
  static final Duration MAX_TICK = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(SessionTicker.class);

  private final TaskScheduler scheduler;
  private final TimeSource time;
  private final long tickNanos;
  private final long firstTimerNanos;
  private final Set<ProtocolSession> sessions = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();

  /** A walk is queued or running; guarded by {@link #lock}. */
  private boolean scheduled;

  SessionTicker(
      TaskScheduler scheduler, TimeSource time, Duration pingInterval, Duration idleTimeout) {
    this.scheduler = scheduler;
    this.time = time;
    this.firstTimerNanos = Math.min(pingInterval.toNanos(), idleTimeout.toNanos());
    this.tickNanos = Math.min(MAX_TICK.toNanos(), firstTimerNanos);
  }

  /**
   * Starts a session's timers.
   *
   * @throws RejectedExecutionException if the scheduler refuses the first walk (then the session is
   *     not added)
   */
  void add(ProtocolSession session) {
    sessions.add(session);
    synchronized (lock) {
      if (scheduled) {
        // The queued walk is due no later than this session's first timer: every live session
        // has a timer within min(pingInterval, idleTimeout) of the last walk.
        return;
      }
      scheduled = true;
    }
    try {
      scheduler.schedule(this::walk, Duration.ofNanos(firstTimerNanos));
    } catch (RejectedExecutionException e) {
      sessions.remove(session);
      synchronized (lock) {
        scheduled = false;
      }
      throw e;
    }
  }

  /** Stops a session's timers. */
  void remove(ProtocolSession session) {
    sessions.remove(session);
  }

  /** How many sessions have timers running. */
  int size() {
    return sessions.size();
  }

  private void walk() {
    long now = time.nanoTime();
    long untilNext = Long.MAX_VALUE;
    try {
      for (ProtocolSession session : sessions) {
        long untilTimer;
        try {
          untilTimer = session.fireTimers(now);
        } catch (RuntimeException e) {
          // One session's failure must not stop the others' timers, nor be retried every tick.
          sessions.remove(session);
          session.onError(e);
          continue;
        }
        if (untilTimer == ProtocolSession.NO_TIMERS) {
          sessions.remove(session);
        } else {
          untilNext = Math.min(untilNext, untilTimer);
        }
      }
    } finally {
      scheduleNext(untilNext == Long.MAX_VALUE ? firstTimerNanos : untilNext);
    }
  }

  private void scheduleNext(long untilNextNanos) {
    synchronized (lock) {
      if (sessions.isEmpty()) {
        // A session added after this check finds scheduled false and starts the next walk itself.
        scheduled = false;
        return;
      }
    }
    try {
      scheduler.schedule(this::walk, Duration.ofNanos(Math.max(tickNanos, untilNextNanos)));
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        scheduled = false;
      }
      log.debug("Scheduler shut down; heartbeats and idle checks of {} sessions stop", size());
    }
  }
}
