package io.realtime.jakarta.ws;

/** The end-to-end suite on Tyrus (Grizzly). */
class TyrusEndpointsIT extends RealtimeEndpointsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new TyrusServer();
  }
}
