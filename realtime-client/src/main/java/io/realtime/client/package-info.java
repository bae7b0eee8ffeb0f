/**
 * The Java client of the realtime endpoints: {@link io.realtime.client.RealtimeClient} connects to
 * {@code /ws/events} (or {@code /ws/system}, {@code /ws/jobs/{job_id}/logs}), answers pings,
 * reconnects with backoff, keeps its subscriptions across reconnects and resyncs by {@code seq}.
 * Depending on {@code realtime-client} alone is enough at run time: it brings the Jakarta WebSocket
 * client API and Tyrus's standalone client.
 */
package io.realtime.client;
