/**
 * Micrometer meters for the realtime layer: {@link io.realtime.micrometer.RealtimeMetrics} is a
 * {@code MeterBinder} whose observer the registry, broadcasters, endpoints and transports report
 * to, and which gauges breakers, degraded flags and outboxes. Core depends on no metrics library;
 * this module is the bridge.
 */
package io.realtime.micrometer;
