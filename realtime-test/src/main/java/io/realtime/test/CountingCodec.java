package io.realtime.test;

import io.realtime.message.ClientMessage;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.SplicedEnvelope;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link MessageCodec} that counts the encodings, decodings and splices it does, to prove a
 * broadcast encodes once and that a message from another instance is spliced, not decoded and
 * encoded again.
 */
public final class CountingCodec implements MessageCodec {

  private final MessageCodec delegate;
  private final AtomicInteger encodes = new AtomicInteger();
  private final AtomicInteger decodes = new AtomicInteger();
  private final AtomicInteger splices = new AtomicInteger();

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
    decodes.incrementAndGet();
    return delegate.decode(text);
  }

  @Override
  public SplicedEnvelope splice(String text, Long seq, String epoch, boolean replay) {
    SplicedEnvelope spliced = delegate.splice(text, seq, epoch, replay);
    if (spliced != null) {
      splices.incrementAndGet();
    }
    return spliced;
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

  /**
   * Returns how many texts were decoded (not counting those from clients).
   *
   * @return the count
   */
  public int decodes() {
    return decodes.get();
  }

  /**
   * Returns how many texts were spliced rather than decoded and encoded.
   *
   * @return the count
   */
  public int splices() {
    return splices.get();
  }
}
