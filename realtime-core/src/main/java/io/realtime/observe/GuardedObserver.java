package io.realtime.observe;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an observer and logs what it throws instead of throwing into the library: the first failure
 * and every thousandth at warn, the others at debug. Linkage errors are caught too: they are what
 * an observer built against another version of its metrics library throws (a Micrometer managed by
 * the host), and one escaping would leave a connection registered but unanswered or a connection's
 * writer dead.
 *
 * <p>Package-private: reached through {@link RealtimeObserver#guarded}.
 */
final class GuardedObserver implements RealtimeObserver {

  private static final Logger log = LoggerFactory.getLogger(GuardedObserver.class);

  private final RealtimeObserver delegate;
  private final AtomicLong failures = new AtomicLong();

  private GuardedObserver(RealtimeObserver delegate) {
    this.delegate = delegate;
  }

  /**
   * Guards an observer.
   *
   * @param observer the observer
   * @return {@code observer} itself when it is {@link RealtimeObserver#NOOP} or already guarded,
   *     else a guard around it
   */
  public static RealtimeObserver of(RealtimeObserver observer) {
    Objects.requireNonNull(observer, "observer");
    if (observer == RealtimeObserver.NOOP || observer instanceof GuardedObserver) {
      return observer;
    }
    return new GuardedObserver(observer);
  }

  private void failed(String event, Throwable e) {
    long count = failures.incrementAndGet();
    if (count == 1 || count % 1_000 == 0) {
      log.warn("Observer {} failed on {} ({} failures so far)", delegate, event, count, e);
    } else {
      log.debug("Observer {} failed on {}", delegate, event, e);
    }
  }

  @Override
  public void connectionOpened(String channel) {
    try {
      delegate.connectionOpened(channel);
    } catch (RuntimeException | LinkageError e) {
      failed("connectionOpened", e);
    }
  }

  @Override
  public void connectionClosed(String channel) {
    try {
      delegate.connectionClosed(channel);
    } catch (RuntimeException | LinkageError e) {
      failed("connectionClosed", e);
    }
  }

  @Override
  public void messageSent(String channel) {
    try {
      delegate.messageSent(channel);
    } catch (RuntimeException | LinkageError e) {
      failed("messageSent", e);
    }
  }

  @Override
  public void messageConflated(String channel) {
    try {
      delegate.messageConflated(channel);
    } catch (RuntimeException | LinkageError e) {
      failed("messageConflated", e);
    }
  }

  @Override
  public void messagesDropped(String channel, int count) {
    try {
      delegate.messagesDropped(channel, count);
    } catch (RuntimeException | LinkageError e) {
      failed("messagesDropped", e);
    }
  }

  @Override
  public void outboundQueueDepth(String channel, int depth) {
    try {
      delegate.outboundQueueDepth(channel, depth);
    } catch (RuntimeException | LinkageError e) {
      failed("outboundQueueDepth", e);
    }
  }

  @Override
  public void slowConsumerClosed(String channel) {
    try {
      delegate.slowConsumerClosed(channel);
    } catch (RuntimeException | LinkageError e) {
      failed("slowConsumerClosed", e);
    }
  }

  @Override
  public void connectionRefused(RefusalReason reason) {
    try {
      delegate.connectionRefused(reason);
    } catch (RuntimeException | LinkageError e) {
      failed("connectionRefused", e);
    }
  }

  @Override
  public void resynced(ResyncOutcome outcome) {
    try {
      delegate.resynced(outcome);
    } catch (RuntimeException | LinkageError e) {
      failed("resynced", e);
    }
  }

  @Override
  public void transportPublished(
      String transport, String operation, long nanos, boolean succeeded) {
    try {
      delegate.transportPublished(transport, operation, nanos, succeeded);
    } catch (RuntimeException | LinkageError e) {
      failed("transportPublished", e);
    }
  }

  @Override
  public String toString() {
    return "GuardedObserver[" + delegate + "]";
  }
}
