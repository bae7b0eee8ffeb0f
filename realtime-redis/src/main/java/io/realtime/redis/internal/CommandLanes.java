package io.realtime.redis.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the commands of one channel in the order they were given, on a shared bounded executor: a
 * channel's lane takes at most one of the executor's threads (or one place in its queue) at a time,
 * and hands the commands waiting in it to the runner in batches, in order (the transport pipelines
 * a batch on one connection). So appends and publishes that one caller issues without waiting for
 * each reach Redis in that order, while different channels still run in parallel. Bounded: at most
 * {@code bound} commands wait or run in all lanes together; beyond that, or when the executor
 * refuses to start a lane, a command is refused at once. A lane with nothing to run is dropped, so
 * idle channels cost nothing.
 *
 * <p>Thread-safe. This class is internal and is hence not for public use.
 *
 * @param <C> the commands
 */
public final class CommandLanes<C> {

  private static final Logger log = LoggerFactory.getLogger(CommandLanes.class);

  /** At most this many commands go in one batch; then the lane gives its thread back. */
  private static final int BATCH = 64;

  private final Executor executor;
  private final int bound;
  private final Consumer<List<C>> runner;
  private final Map<String, Queue<C>> lanes = new HashMap<>();
  private int waiting;

  /**
   * Creates the lanes.
   *
   * @param executor runs the lanes; may refuse with a {@link RejectedExecutionException}
   * @param bound how many commands may wait or run in all lanes together
   * @param runner runs a batch of one channel's commands, in order
   */
  public CommandLanes(Executor executor, int bound, Consumer<List<C>> runner) {
    this.executor = executor;
    this.bound = bound;
    this.runner = runner;
  }

  /**
   * Runs a command after the commands given before for the same channel.
   *
   * @param channel the channel
   * @param command the command
   * @throws RejectedExecutionException if {@code bound} commands wait or run already, or the
   *     executor refuses to start the channel's lane
   */
  public synchronized void execute(String channel, C command) {
    if (waiting >= bound) {
      throw new RejectedExecutionException(waiting + " commands wait already");
    }
    Queue<C> lane = lanes.get(channel);
    if (lane == null) {
      Queue<C> started = new ArrayDeque<>();
      // under the lock, so that no command joins a lane the executor then refuses to start
      executor.execute(() -> drain(channel, started));
      lanes.put(channel, started);
      lane = started;
    }
    lane.add(command);
    waiting++;
  }

  /**
   * Returns how many commands wait or run in the lanes.
   *
   * @return the count
   */
  public synchronized int waiting() {
    return waiting;
  }

  private void drain(String channel, Queue<C> lane) {
    while (true) {
      List<C> batch = new ArrayList<>();
      synchronized (this) {
        C next;
        while (batch.size() < BATCH && (next = lane.poll()) != null) {
          batch.add(next);
        }
      }
      boolean laneDone;
      try {
        runner.accept(batch);
      } catch (RuntimeException e) {
        // the runner reports each command's failure; the lane must go on whatever it does
        log.warn("Commands on {} failed", channel, e);
      } finally {
        // even past an Error, so that no lane is left that nobody drains
        synchronized (this) {
          // counted until done, so that the bound holds what waits and what runs
          waiting -= batch.size();
          laneDone = lane.isEmpty();
          if (laneDone) {
            lanes.remove(channel, lane);
          }
        }
      }
      if (laneDone) {
        return;
      }
      if (handOver(channel, lane)) {
        return;
      }
    }
  }

  /** Queues the lane's next turn, so that busy channels take turns; if refused, goes on here. */
  private boolean handOver(String channel, Queue<C> lane) {
    try {
      executor.execute(() -> drain(channel, lane));
      return true;
    } catch (RejectedExecutionException busy) {
      return false;
    }
  }
}
