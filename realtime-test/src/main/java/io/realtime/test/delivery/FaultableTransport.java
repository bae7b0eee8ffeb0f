package io.realtime.test.delivery;

import io.realtime.test.ForwardingTransport;
import io.realtime.transport.StreamHistory;
import io.realtime.transport.Transport;
import io.realtime.transport.TransportException;
import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import io.realtime.transport.TransportSubscription;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wrapper around every instance's transport that the built-in history fault acts on: {@code
 * since} fails while the history is unreadable, and the subscription then drops one live stream
 * message in N, so that the gaps need the history.
 */
final class FaultableTransport extends ForwardingTransport {

  private final AtomicLong live = new AtomicLong();
  private volatile boolean sinceFailing;
  private volatile int dropOneIn;

  FaultableTransport(Transport delegate) {
    super(delegate);
  }

  void historyUnreadable(boolean failing, int dropOneIn) {
    this.dropOneIn = failing ? dropOneIn : 0;
    this.sinceFailing = failing;
  }

  @Override
  public StreamHistory since(String channel, long offset) {
    if (sinceFailing) {
      throw new TransportException(
          "history of " + channel + " unreadable (injected by the delivery checker)", null);
    }
    return delegate.since(channel, offset);
  }

  @Override
  public TransportSubscription subscribe(String channel, TransportListener listener) {
    return delegate.subscribe(
        channel,
        new TransportListener() {
          @Override
          public void onMessage(TransportMessage message) {
            int oneIn = dropOneIn;
            if (oneIn > 0 && message.isStream() && live.incrementAndGet() % oneIn == 0) {
              return;
            }
            listener.onMessage(message);
          }

          @Override
          public void onFailure(Throwable cause) {
            listener.onFailure(cause);
          }
        });
  }
}
