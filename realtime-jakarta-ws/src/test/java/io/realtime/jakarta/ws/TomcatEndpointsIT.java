package io.realtime.jakarta.ws;

/** The end-to-end suite on embedded Tomcat 11. */
class TomcatEndpointsIT extends RealtimeEndpointsSuite {

  @Override
  protected WebSocketServerUnderTest server() {
    return new TomcatServer();
  }
}
