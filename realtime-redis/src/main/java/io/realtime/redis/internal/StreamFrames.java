package io.realtime.redis.internal;

import io.realtime.transport.TransportMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The framing of stream messages on Redis: {@code <RS>rt|<seq>|<epoch>|<payload>}, where RS is the
 * ASCII record separator (0x1E), which JSON text never starts with. A message without the frame was
 * published by a producer outside the library and is a plain message, and so is text that looks
 * like a frame but is not one the append script writes (an offset that is not a positive decimal in
 * ASCII digits without a sign or leading zero, or beyond {@link Long#MAX_VALUE}). Heartbeats of
 * cluster subscribers are {@code <RS>hb|<id>}.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class StreamFrames {

  /** The prefix of a stream frame. */
  public static final String STREAM_PREFIX = "\u001Ert|";

  /** The prefix of a subscriber heartbeat. */
  public static final String HEARTBEAT_PREFIX = "\u001Ehb|";

  private StreamFrames() {}

  /**
   * Reads a message received on a channel.
   *
   * @param channel the channel
   * @param text what Redis delivered
   * @return the message; plain when the text is not a stream frame
   */
  public static TransportMessage read(String channel, String text) {
    if (text.startsWith(STREAM_PREFIX)) {
      int seqEnd = text.indexOf('|', STREAM_PREFIX.length());
      int epochEnd = seqEnd < 0 ? -1 : text.indexOf('|', seqEnd + 1);
      if (epochEnd > 0 && isOffset(text, STREAM_PREFIX.length(), seqEnd)) {
        try {
          long seq = Long.parseLong(text, STREAM_PREFIX.length(), seqEnd, 10);
          String epoch = text.substring(seqEnd + 1, epochEnd);
          return new TransportMessage(channel, text.substring(epochEnd + 1), seq, epoch);
        } catch (NumberFormatException pastLongMaxValue) {
          // falls through: delivered as is
        }
      }
    }
    return TransportMessage.plain(channel, text);
  }

  /**
   * Tells whether {@code text[from, to)} is an offset as the append script writes it: ASCII digits
   * without a sign or a leading zero, so that the frame read is the frame written.
   */
  private static boolean isOffset(String text, int from, int to) {
    if (to <= from || to - from > 19 || text.charAt(from) == '0') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the SHA-1 of a stream message's frame as the append script wrote it, in lower-case hex
   * as Lua's {@code redis.sha1hex} gives it: a frame read is the frame written, so it can be
   * rebuilt.
   *
   * @param message a stream message
   * @return the digest
   */
  public static String digest(TransportMessage message) {
    String frame = STREAM_PREFIX + message.seq() + '|' + message.epoch() + '|' + message.payload();
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(frame.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-1", e);
    }
  }

  /**
   * Tells whether a text is a heartbeat.
   *
   * @param text what Redis delivered
   * @return {@code true} for heartbeats
   */
  public static boolean isHeartbeat(String text) {
    return text.startsWith(HEARTBEAT_PREFIX);
  }
}
