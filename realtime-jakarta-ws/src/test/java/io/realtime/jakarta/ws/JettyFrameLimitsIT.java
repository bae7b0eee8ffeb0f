package io.realtime.jakarta.ws;

/**
 * Frame and message limits on Jetty 12 (ee10): it reads a message's payload up to its limit in
 * bytes, then refuses it.
 */
class JettyFrameLimitsIT extends FrameLimitsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new JettyServer();
  }

  @Override
  protected int textBytesReadBeforeRefusal() {
    return LIMITS.textBytes();
  }
}
