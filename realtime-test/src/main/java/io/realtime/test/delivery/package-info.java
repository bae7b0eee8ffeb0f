/**
 * A delivery checker: it runs several server instances on any {@link
 * io.realtime.transport.Transport}, publishes events with unique ids, connects in-process clients
 * that follow the stream as the real clients do, injects {@link io.realtime.test.delivery.Fault}s
 * under a seed, and checks the delivery guarantees: offsets in order per connection and epoch, no
 * acknowledged event lost unless the client was told, no event delivered twice, degraded-mode
 * events delivered locally. Start with {@link io.realtime.test.delivery.DeliveryChecker#builder}.
 */
package io.realtime.test.delivery;
