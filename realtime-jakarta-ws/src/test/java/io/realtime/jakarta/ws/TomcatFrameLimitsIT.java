package io.realtime.jakarta.ws;

/**
 * Frame and message limits on Tomcat 11: it decodes a message's payload in chunks of its (small)
 * text buffer, which the endpoint gathers and refuses once they pass {@code textChars} characters.
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
