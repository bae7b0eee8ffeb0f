package io.realtime.test;

import io.realtime.broadcast.Broadcaster;
import io.realtime.broadcast.PublishReceipt;
import io.realtime.message.Envelope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Broadcaster} that records what is published to it, for testing producers. */
public final class RecordingBroadcaster implements Broadcaster {

  private final List<Envelope> published = new CopyOnWriteArrayList<>();

  @Override
  public void start() {}

  @Override
  public CompletionStage<PublishReceipt> publish(Map<String, ?> payload) {
    return publish(Envelope.fromPayload(payload));
  }

  @Override
  public CompletionStage<PublishReceipt> publish(Envelope message) {
    published.add(message);
    return CompletableFuture.completedFuture(PublishReceipt.LOCAL_ONLY);
  }

  @Override
  public String clientChannel() {
    return "events";
  }

  @Override
  public boolean isDegraded() {
    return false;
  }

  @Override
  public boolean isLive() {
    return true;
  }

  @Override
  public void close() {}

  /**
   * Returns what was published, in order.
   *
   * @return a snapshot
   */
  public List<Envelope> published() {
    return List.copyOf(published);
  }
}
