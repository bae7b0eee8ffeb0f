/**
 * The Jakarta WebSocket endpoints of realtime: {@link io.realtime.jakarta.ws.RealtimeWebSocket}
 * builds {@code /ws/events}, {@code /ws/system} and {@code /ws/jobs/{job_id}/logs} as programmatic
 * endpoint configurations for any Jakarta WebSocket container.
 */
package io.realtime.jakarta.ws;
