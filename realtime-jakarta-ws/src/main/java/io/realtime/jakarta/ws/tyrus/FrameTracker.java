package io.realtime.jakarta.ws.tyrus;

import java.nio.charset.StandardCharsets;

/**
 * Follows the WebSocket frames a client sends on one connection, from their headers alone: the
 * payload is skipped, never kept. Bytes may arrive in any pieces, a header split anywhere. A data
 * frame whose declared length, added to the frames of its message so far, passes the message type's
 * limit is refused with 1009; a control frame over 125 bytes and a broken sequence of data frames
 * with 1002.
 *
 * <p>Not thread-safe: one connection's reads are delivered one at a time.
 */
final class FrameTracker {

  /** Close code 1009: the message is too big to process. */
  static final int TOO_BIG = 1009;

  /** Close code 1002: the client broke the protocol. */
  static final int PROTOCOL_ERROR = 1002;

  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final int OPCODE_CONTINUATION = 0x0;
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_BINARY = 0x2;

  /** Reads the byte at an absolute index of whatever holds the input. */
  @FunctionalInterface
  interface Bytes {
    byte at(int index);
  }

  /**
   * Why a connection is refused.
   *
   * @param code the close code
   * @param reason the close reason, at most 123 bytes of UTF-8
   */
  record Refusal(int code, String reason) {

    /** Returns the close frame a server sends: unmasked, the code, then the reason. */
    byte[] closeFrame() {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      byte[] frame = new byte[4 + text.length];
      frame[0] = (byte) 0x88;
      frame[1] = (byte) (2 + text.length);
      frame[2] = (byte) (code >>> 8);
      frame[3] = (byte) code;
      System.arraycopy(text, 0, frame, 4, text.length);
      return frame;
    }
  }

  private final long textLimit;
  private final long binaryLimit;
  private final byte[] header = new byte[14];
  private int headerLength;
  private int headerNeeded = 2;
  private long payloadLeft;
  private boolean inMessage;
  private boolean text;
  private long messageBytes;
  private volatile Refusal refusal;

  FrameTracker(long textLimit, long binaryLimit) {
    this.textLimit = textLimit;
    this.binaryLimit = binaryLimit;
  }

  /**
   * Reads the next bytes the client sent.
   *
   * @param bytes the input
   * @param from the index of the first byte
   * @param to the index after the last byte
   * @return why to close the connection, or {@code null} while the client keeps within the limits
   */
  Refusal feed(Bytes bytes, int from, int to) {
    if (refusal != null) {
      return refusal;
    }
    int i = from;
    while (i < to) {
      if (payloadLeft > 0) {
        int skip = (int) Math.min(payloadLeft, to - i);
        i += skip;
        payloadLeft -= skip;
        continue;
      }
      header[headerLength++] = bytes.at(i++);
      if (headerLength == 2) {
        int length7 = header[1] & 0x7F;
        headerNeeded =
            2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
      }
      if (headerLength == headerNeeded) {
        Refusal refused = onHeader();
        headerLength = 0;
        headerNeeded = 2;
        if (refused != null) {
          refusal = refused;
          return refused;
        }
      }
    }
    return null;
  }

  /**
   * Returns the refusal already made, if any.
   *
   * @return the refusal, or {@code null}
   */
  Refusal refusal() {
    return refusal;
  }

  private Refusal onHeader() {
    boolean fin = (header[0] & 0x80) != 0;
    int opcode = header[0] & 0x0F;
    long length = declaredLength();
    if ((opcode & 0x8) != 0) {
      if (length > MAX_CONTROL_PAYLOAD) {
        return new Refusal(PROTOCOL_ERROR, "Control frame too long");
      }
      payloadLeft = length;
      return null;
    }
    if (opcode == OPCODE_CONTINUATION) {
      if (!inMessage) {
        return new Refusal(PROTOCOL_ERROR, "Continuation frame without a message");
      }
    } else if (opcode == OPCODE_TEXT || opcode == OPCODE_BINARY) {
      if (inMessage) {
        return new Refusal(PROTOCOL_ERROR, "Expected a continuation frame");
      }
      text = opcode == OPCODE_TEXT;
      messageBytes = 0;
    } else {
      return new Refusal(PROTOCOL_ERROR, "Unknown opcode " + opcode);
    }
    long limit = text ? textLimit : binaryLimit;
    if (length < 0 || length > limit - messageBytes) {
      return new Refusal(
          TOO_BIG,
          "Message too big: "
              + (text ? "text" : "binary")
              + " messages are limited to "
              + limit
              + " bytes");
    }
    messageBytes += length;
    inMessage = !fin;
    payloadLeft = length;
    return null;
  }

  /** The 7-, 16- or 64-bit length; negative when the 64-bit one has its top bit set. */
  private long declaredLength() {
    int length7 = header[1] & 0x7F;
    if (length7 < 126) {
      return length7;
    }
    int bytes = length7 == 126 ? 2 : 8;
    long length = 0;
    for (int i = 0; i < bytes; i++) {
      length = (length << 8) | (header[2 + i] & 0xFF);
    }
    return length;
  }
}
