package io.realtime.jakarta.ws;

/** The end-to-end suite on Jetty 12 (ee10). */
class JettyEndpointsIT extends RealtimeEndpointsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new JettyServer();
  }
}
