package io.realtime.test;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
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
 * <p>The wrapped transport stays reachable through {@link #delegate()}, to play another instance
 * that still reaches the backbone.
 */
public final class FlakyTransport implements Transport {

  private final Transport delegate;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicInteger subscribeCalls = new AtomicInteger();
  private volatile boolean failing;

  /**
   * Wraps a transport.
   *
   * @param delegate the working transport
   */
  public FlakyTransport(Transport delegate) {
    this.delegate = delegate;
  }

  /** Makes the backbone unreachable: operations fail and subscriptions break. */
  public void fail() {
    failing = true;
    for (Subscription subscription : subscriptions) {
      subscription.breakDown();
    }
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
  public CompletionStage<StreamPosition> append(String channel, String payload) {
    if (failing) {
      return CompletableFuture.failedFuture(unreachable());
    }
    return delegate.append(channel, payload);
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
    if (failing) {
      throw unreachable();
    }
    Subscription subscription = new Subscription(channel, listener);
    subscription.inner = delegate.subscribe(channel, subscription);
    subscriptions.add(subscription);
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
    private volatile TransportSubscription inner;
    private volatile boolean active = true;

    private Subscription(String channel, TransportListener listener) {
      this.channel = channel;
      this.listener = listener;
    }

    @Override
    public void onMessage(TransportMessage message) {
      if (active) {
        listener.onMessage(message);
      }
    }

    void breakDown() {
      if (!active) {
        return;
      }
      close();
      listener.onFailure(new TransportException("subscription lost (simulated)", null));
    }

    @Override
    public String channel() {
      return channel;
    }

    @Override
    public boolean isActive() {
      return active && inner.isActive();
    }

    @Override
    public void close() {
      active = false;
      subscriptions.remove(this);
      inner.close();
    }
  }
}
