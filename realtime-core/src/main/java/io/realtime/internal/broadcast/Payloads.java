package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.connection.EncodedMessage;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
import io.realtime.message.SplicedEnvelope;
import io.realtime.message.payload.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broadcasters share about payloads: decoding what a transport carries, and the
 * degraded/recovered notices.
 *
 * <p>This class is internal and is hence not for public use.
 */
final class Payloads {

  private static final Logger log = LoggerFactory.getLogger(Payloads.class);

  private Payloads() {}

  /** Decodes a payload; an unreadable one is logged and dropped, never thrown at a listener. */
  static Message decodeOrNull(MessageCodec codec, String payload, String channel) {
    try {
      return codec.decode(payload);
    } catch (MessageFormatException e) {
      log.warn(
          "Dropping an unreadable message on {}: {} ({})",
          channel,
          e.getMessage(),
          e.code().wireName());
      return null;
    }
  }

  /**
   * A stream message as its clients get it, made from the text its publisher encoded with the
   * position spliced in, without decoding it; {@code null} when the codec cannot splice it, and the
   * caller decodes and encodes, as {@link #decodeOrNull} reports what is wrong.
   */
  static EncodedMessage splicedOrNull(
      MessageCodec codec, String payload, long seq, String epoch, boolean replay) {
    SplicedEnvelope spliced = codec.splice(payload, seq, epoch, replay);
    return spliced == null
        ? null
        : EncodedMessage.ofText(spliced.type(), spliced.text(), seq, epoch);
  }

  /** The {@code service_status} notice of a broadcaster; no timestamp, as the original's. */
  static Envelope notice(
      String service, String status, String message, CircuitBreaker.State state) {
    return Envelope.serviceStatus(
        new ServiceStatus(service, status, message, state.wireName()), null);
  }
}
