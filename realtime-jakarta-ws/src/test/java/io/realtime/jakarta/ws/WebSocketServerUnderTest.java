package io.realtime.jakarta.ws;

/** A Jakarta WebSocket container started by a test on an ephemeral port. */
interface WebSocketServerUnderTest extends AutoCloseable {

  /**
   * Deploys the endpoints and starts listening.
   *
   * @param websocket the endpoints
   * @return the port
   * @throws Exception if the container does not start
   */
  int start(RealtimeWebSocket websocket) throws Exception;

  @Override
  void close() throws Exception;
}
