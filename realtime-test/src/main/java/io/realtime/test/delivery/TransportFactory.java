package io.realtime.test.delivery;

import io.realtime.test.ForwardingTransport;
import io.realtime.transport.Transport;
import java.util.Objects;

/**
 * Makes the transport of one checked server instance. The checker calls it once per instance start,
 * so an instance that is restarted gets a fresh transport, as a restarted server would; it closes
 * each transport it got when its instance stops.
 */
@FunctionalInterface
public interface TransportFactory {

  /**
   * Creates the transport of an instance.
   *
   * @param instance the instance's index, from 0
   * @return a new transport, connected to the backbone every instance shares
   * @throws Exception if it cannot be created; the checker reports it as a failed start
   */
  Transport create(int instance) throws Exception;

  /**
   * Shares one in-process backbone (an {@link io.realtime.transport.InMemoryTransport}) between
   * every instance: each instance gets a view whose {@code close()} leaves the backbone open, so an
   * instance can be restarted. The caller closes the backbone itself.
   *
   * @param backbone the shared transport
   * @return the factory
   */
  static TransportFactory shared(Transport backbone) {
    Objects.requireNonNull(backbone, "backbone");
    return instance ->
        new ForwardingTransport(backbone) {
          @Override
          public void close() {
            // The backbone outlives every instance; the broadcaster closes its own subscriptions.
          }
        };
  }
}
