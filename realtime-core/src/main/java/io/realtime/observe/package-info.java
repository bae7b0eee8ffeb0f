/**
 * Observation of the library at work (SPI): {@link io.realtime.observe.RealtimeObserver} is told of
 * connections, deliveries, refusals, resyncs and transport publishes. It is passed explicitly to
 * the builders of the parts that report (nothing is discovered or global); {@code
 * realtime-micrometer} implements it with Micrometer meters, and core depends on no metrics
 * library.
 */
package io.realtime.observe;
