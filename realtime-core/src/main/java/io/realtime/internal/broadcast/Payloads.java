package io.realtime.internal.broadcast;

import io.realtime.breaker.CircuitBreaker;
import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.MessageFormatException;
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

  /** The {@code service_status} notice of a broadcaster; no timestamp, as the original's. */
  static Envelope notice(
      String service, String status, String message, CircuitBreaker.State state) {
    return Envelope.serviceStatus(
        new ServiceStatus(service, status, message, state.wireName()), null);
  }
}
