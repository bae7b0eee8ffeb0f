/**
 * The {@link io.realtime.transport.Transport} SPI, the backbone between server instances, with
 * stream channels (offsets, epochs, bounded history) and plain channels, and {@link
 * io.realtime.transport.InMemoryTransport}, the embedded default for a single instance.
 */
package io.realtime.transport;
