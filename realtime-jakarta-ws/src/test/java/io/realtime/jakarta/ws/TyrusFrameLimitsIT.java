package io.realtime.jakarta.ws;

/** Frame and message limits on Tyrus (Grizzly) behind the frame guard: refused at the header. */
class TyrusFrameLimitsIT extends FrameLimitsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new TyrusServer();
  }

  @Override
  protected int textBytesReadBeforeRefusal() {
    return 0;
  }
}
