package io.realtime.redis;

import io.realtime.transport.TransportListener;
import io.realtime.transport.TransportMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a subscription delivers and whether it broke; shared by this module's ITs. */
public class RecordingListener implements TransportListener {
  /** The messages delivered, in order. */
  public final List<TransportMessage> messages = new CopyOnWriteArrayList<>();

  /** The causes heard by {@code onFailure}. */
  public final List<Throwable> failures = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(TransportMessage message) {
    messages.add(message);
  }

  @Override
  public void onFailure(Throwable cause) {
    failures.add(cause);
  }

  /**
   * Returns the payloads delivered, in order.
   *
   * @return the payloads
   */
  public List<String> payloads() {
    return messages.stream().map(TransportMessage::payload).toList();
  }
}
