package io.realtime.transport;

import io.realtime.tck.TransportCompatibilityKit;

class InMemoryTransportCompatibilityTest extends TransportCompatibilityKit {

  @Override
  protected Transport createTransport() {
    return InMemoryTransport.withHistorySize(historySize());
  }

  @Override
  protected long storedState() {
    return ((InMemoryTransport) transport).channelCount();
  }

  @Override
  protected int historySize() {
    return 50;
  }
}
