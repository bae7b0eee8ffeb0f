package io.realtime.test;

import io.realtime.message.ClientMessage;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link MessageCodec} that counts the encodings it does, to prove a broadcast encodes once. */
public final class CountingCodec implements MessageCodec {

  private final MessageCodec delegate;
  private final AtomicInteger encodes = new AtomicInteger();

  /**
   * Wraps a codec.
   *
   * @param delegate the codec doing the work
   */
  public CountingCodec(MessageCodec delegate) {
    this.delegate = delegate;
  }

  @Override
  public String encode(Message message) {
    encodes.incrementAndGet();
    return delegate.encode(message);
  }

  @Override
  public Message decode(String text) {
    return delegate.decode(text);
  }

  @Override
  public ClientMessage decodeClient(String text) {
    return delegate.decodeClient(text);
  }

  /**
   * Returns how many messages were encoded.
   *
   * @return the count
   */
  public int encodes() {
    return encodes.get();
  }
}
