package io.realtime.test;

import io.realtime.connection.CloseReason;
import io.realtime.connection.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A {@link Connection} test double that records what it is sent and how it is closed. It can
 * complete sends at once, complete them later on another thread, stall them (a client that stopped
 * reading: sends never complete until {@link #resume()}), fail them, or block in {@link #close}. It
 * also counts overlapping sends, which a correct engine never makes.
 *
 * <p>Thread-safe.
 */
public final class RecordingConnection implements Connection {

  /** How {@link #sendText(String)} behaves. */
  public enum Mode {
    /** Sends complete before {@code sendText} returns. */
    IMMEDIATE,
    /** Sends complete a moment later, on the completion executor. */
    ASYNC,
    /** Sends never complete until {@link #resume()} (a client that stopped reading). */
    STALLED,
    /** Sends fail. */
    FAILING,
    /** {@code sendText} throws instead of returning a stage, as a broken adapter might. */
    THROWING
  }

  private final String id;
  private final Map<String, Object> attributes = new ConcurrentHashMap<>();
  private final Executor completionExecutor;
  private final List<String> texts = new ArrayList<>();
  private final List<CompletableFuture<Void>> stalledSends = new ArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
  private final AtomicInteger closeCalls = new AtomicInteger();
  private final CountDownLatch closeBlocker = new CountDownLatch(1);
  private volatile Mode mode;
  private volatile boolean closeBlocks;

  /**
   * Creates a connection whose sends complete at once.
   *
   * @param id the connection id
   */
  public RecordingConnection(String id) {
    this(id, Mode.IMMEDIATE, CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS));
  }

  /**
   * Creates a connection.
   *
   * @param id the connection id
   * @param mode how sends behave
   * @param completionExecutor where {@link Mode#ASYNC} sends complete
   */
  public RecordingConnection(String id, Mode mode, Executor completionExecutor) {
    this.id = id;
    this.mode = mode;
    this.completionExecutor = completionExecutor;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Map<String, Object> attributes() {
    return attributes;
  }

  @Override
  public CompletionStage<Void> sendText(String text) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    Mode current;
    synchronized (this) {
      // read under the lock resume() takes: a send either stalls before resume() completes the
      // stalled ones, or sees the mode resume() set; never parked after resume() emptied the list
      current = mode;
      if (current == Mode.STALLED) {
        stalledSends.add(sent);
        texts.add(text);
        return sent;
      }
    }
    switch (current) {
      case IMMEDIATE -> {
        record(text);
        complete(sent);
      }
      case ASYNC ->
          completionExecutor.execute(
              () -> {
                record(text);
                complete(sent);
              });
      case FAILING -> {
        inFlight.decrementAndGet();
        sent.completeExceptionally(new IOException("connection reset"));
      }
      case THROWING -> {
        inFlight.decrementAndGet();
        throw new IllegalStateException("session is closed");
      }
      default -> throw new IllegalStateException("unknown mode " + current);
    }
    return sent;
  }

  /** Ends the send before completing it, so the engine's next send never looks like an overlap. */
  private void complete(CompletableFuture<Void> sent) {
    inFlight.decrementAndGet();
    sent.complete(null);
  }

  private synchronized void record(String text) {
    texts.add(text);
  }

  @Override
  public void close(CloseReason reason) {
    closeCalls.incrementAndGet();
    closed.complete(reason);
    if (closeBlocks) {
      try {
        closeBlocker.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Changes how later sends behave.
   *
   * @param mode the new mode
   */
  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Makes sends stall, as a client that stopped reading. */
  public void stall() {
    mode(Mode.STALLED);
  }

  /** Completes the stalled sends and makes later sends complete at once. */
  public void resume() {
    List<CompletableFuture<Void>> pending;
    synchronized (this) {
      mode = Mode.IMMEDIATE;
      pending = new ArrayList<>(stalledSends);
      stalledSends.clear();
    }
    pending.forEach(this::complete);
  }

  /**
   * Makes {@link #close} block until {@link #unblockClose()}, as a close frame stuck behind a full
   * socket buffer.
   */
  public void blockClose() {
    closeBlocks = true;
  }

  /** Lets blocked and later {@link #close} calls return. */
  public void unblockClose() {
    closeBlocks = false;
    closeBlocker.countDown();
  }

  /**
   * Returns the texts sent so far, in order, including those of stalled sends.
   *
   * @return a snapshot
   */
  public synchronized List<String> texts() {
    return List.copyOf(texts);
  }

  /**
   * Returns the texts sent so far that satisfy a condition.
   *
   * @param filter the condition
   * @return a snapshot, in order
   */
  public synchronized List<String> texts(Predicate<String> filter) {
    return texts.stream().filter(filter).toList();
  }

  /**
   * Returns the close reason, or {@code null} while not closed.
   *
   * @return the reason
   */
  public CloseReason closeReason() {
    return closed.getNow(null);
  }

  /**
   * Waits until the connection is closed.
   *
   * @param timeout the most time to wait
   * @return the close reason
   * @throws AssertionError if it is not closed in time
   */
  public CloseReason awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("connection " + id + " was not closed within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Returns how many times {@link #close} was called.
   *
   * @return the count
   */
  public int closeCalls() {
    return closeCalls.get();
  }

  /**
   * Returns the most sends that were in flight at the same time; a correct engine keeps it at 1.
   *
   * @return the maximum
   */
  public int maxConcurrentSends() {
    return maxInFlight.get();
  }

  @Override
  public String toString() {
    return "RecordingConnection[" + id + ", " + mode + "]";
  }
}
