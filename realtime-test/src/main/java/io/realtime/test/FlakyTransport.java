package io.realtime.test;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Transport} that fails on demand, wrapping a working one. After {@link #fail()}, every
 * operation fails with a {@link TransportException} and every active subscription breaks (its
 * listener's {@code onFailure} is called once, on the caller's thread); after {@link #heal()},
 * operations work again and broken subscriptions stay broken until the owner subscribes anew, as
 * with a real backbone.
 *
 * <p>By default a subscription is confirmed when {@link #subscribe} returns, and subscribing while
 * failing throws. After {@link #holdConfirmations()} it plays an asynchronous backbone (Redis):
 * {@code subscribe} returns at once, also while failing, and each subscription's {@link
 * TransportSubscription#confirmed()} stays pending, its listener told nothing, until {@link
 * #releaseConfirmations()} confirms it, or fails it if the backbone is unreachable then. {@link
 * #fail()} fails the confirmations still pending.
 *
 * <p>The wrapped transport stays reachable through {@link #delegate()}, to play another instance
 * that still reaches the backbone. Retentions are passed to it.
 */
public final class FlakyTransport implements Transport {

  private final Transport delegate;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicInteger subscribeCalls = new AtomicInteger();
  private volatile boolean failing;
  private volatile boolean holdingConfirmations;

  /**
   * Wraps a transport.
   *
   * @param delegate the working transport
   */
  public FlakyTransport(Transport delegate) {
    this.delegate = delegate;
  }

  /**
   * Makes the backbone unreachable: operations fail, confirmed subscriptions break and pending
   * confirmations fail.
   */
  public void fail() {
    failing = true;
    for (Subscription subscription : subscriptions) {
      subscription.breakDown();
    }
  }

  /**
   * From now on, subscriptions are confirmed only by {@link #releaseConfirmations()}, as an
   * asynchronous backbone confirms them later; subscribing no longer throws while failing.
   */
  public void holdConfirmations() {
    holdingConfirmations = true;
  }

  /**
   * Settles every pending confirmation: confirmed if the backbone is reachable, else failed with a
   * {@link TransportException} (the listener is not told). Later subscriptions are held still.
   *
   * @return how many were settled
   */
  public int releaseConfirmations() {
    int settled = 0;
    for (Subscription subscription : subscriptions) {
      if (subscription.settle(failing ? unreachable() : null)) {
        settled++;
      }
    }
    return settled;
  }

  /**
   * Returns how many subscriptions wait for their confirmation.
   *
   * @return the count
   */
  public int pendingConfirmations() {
    return (int) subscriptions.stream().filter(s -> !s.confirmation.isDone()).count();
  }

  /** Makes the backbone reachable again. */
  public void heal() {
    failing = false;
  }

  /**
   * Returns the wrapped transport.
   *
   * @return the delegate
   */
  public Transport delegate() {
    return delegate;
  }

  /**
   * Returns how many times {@link #subscribe} was called, failed calls included.
   *
   * @return the count
   */
  public int subscribeCalls() {
    return subscribeCalls.get();
  }

  /**
   * Returns how many subscriptions are active.
   *
   * @return the count
   */
  public int activeSubscriptions() {
    return (int) subscriptions.stream().filter(Subscription::isActive).count();
  }

  @Override
  public CompletionStage<StreamPosition> append(
      String channel, String payload, String messageId, Duration retention) {
    if (failing) {
      return CompletableFuture.failedFuture(unreachable());
    }
    return delegate.append(channel, payload, messageId, retention);
  }

  @Override
  public CompletionStage<Void> probe() {
    if (failing) {
      return CompletableFuture.failedFuture(unreachable());
    }
    return delegate.probe();
  }

  @Override
  public CompletionStage<Void> publish(String channel, String payload) {
    if (failing) {
      return CompletableFuture.failedFuture(unreachable());
    }
    return delegate.publish(channel, payload);
  }

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    subscribeCalls.incrementAndGet();
    boolean held = holdingConfirmations;
    if (failing && !held) {
      throw unreachable();
    }
    Subscription subscription = new Subscription(channel, listener);
    subscription.inner = delegate.subscribe(channel, subscription);
    subscriptions.add(subscription);
    if (!held) {
      subscription.inner.confirmed().whenComplete((ok, error) -> subscription.settle(error));
    }
    return subscription;
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    if (failing) {
      throw unreachable();
    }
    return delegate.since(channel, offset);
  }

  @Override
  public String name() {
    return "flaky(" + delegate.name() + ")";
  }

  @Override
  public void close() {
    delegate.close();
  }

  private static TransportException unreachable() {
    return new TransportException("backbone unreachable (simulated)", null);
  }

  private final class Subscription implements TransportSubscription, TransportListener {
    private final String channel;
    private final TransportListener listener;
    private final CompletableFuture<Void> confirmation = new CompletableFuture<>();
    private volatile TransportSubscription inner;
    private volatile boolean active = true;

    private Subscription(String channel, TransportListener listener) {
      this.channel = channel;
      this.listener = listener;
    }

    @Override
    public void onMessage(TransportMessage message) {
      // Until confirmed the backbone delivers nothing.
      if (active && confirmation.isDone() && !confirmation.isCompletedExceptionally()) {
        listener.onMessage(message);
      }
    }

    /** Confirms, or fails with {@code error}; {@code false} if already settled. */
    boolean settle(Throwable error) {
      if (confirmation.isDone()) {
        return false;
      }
      if (error == null) {
        return confirmation.complete(null);
      }
      boolean settled = confirmation.completeExceptionally(error);
      close();
      return settled;
    }

    void breakDown() {
      if (!active) {
        return;
      }
      if (!confirmation.isDone()) {
        settle(unreachable()); // never confirmed: the listener is not told
        return;
      }
      close();
      listener.onFailure(new TransportException("subscription lost (simulated)", null));
    }

    @Override
    public CompletionStage<Void> confirmed() {
      return confirmation;
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public boolean isActive() {
      return active
          && confirmation.isDone()
          && !confirmation.isCompletedExceptionally()
          && inner.isActive();
    }

    @Override
    public void close() {
      active = false;
      subscriptions.remove(this);
      inner.close();
      confirmation.completeExceptionally(
          new TransportException("subscription to " + channel + " closed unconfirmed", null));
    }
  }
}
