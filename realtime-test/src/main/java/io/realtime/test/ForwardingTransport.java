package io.realtime.test;

import io.realtime.transport.StreamHistory;
import io.realtime.transport.StreamPosition;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportSubscription;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Transport} that passes every call to another: a test overrides the one call it wants to
 * slow down, break or tamper with, and the rest behaves as the real transport does.
 */
public abstract class ForwardingTransport implements Transport {

  /** The transport every call goes to unless overridden. */
  protected final Transport delegate;

  /**
   * Wraps a transport.
   *
   * @param delegate the transport to forward to
   */
  protected ForwardingTransport(Transport delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public CompletionStage<StreamPosition> append(
      String channel, String payload, String messageId, Duration retention) {
    return delegate.append(channel, payload, messageId, retention);
  }

  @Override
  public CompletionStage<Void> probe() {
    return delegate.probe();
  }

  @Override
  public CompletionStage<Void> publish(String channel, String payload) {
    return delegate.publish(channel, payload);
  }

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    return delegate.subscribe(channel, listener);
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    return delegate.since(channel, offset);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
