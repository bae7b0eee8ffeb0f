package io.realtime.jakarta.ws;

/**
 * Frame and message limits on Tomcat 11: it decodes a message's payload into its text buffer of
 * {@code textChars} characters, then refuses it when that overflows.
 */
class TomcatFrameLimitsIT extends FrameLimitsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new TomcatServer();
  }

  @Override
  protected int textBytesReadBeforeRefusal() {
    return LIMITS.textChars();
  }
}
