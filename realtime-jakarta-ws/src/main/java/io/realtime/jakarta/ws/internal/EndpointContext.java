package io.realtime.jakarta.ws.internal;

import io.realtime.admission.ConnectionRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.jakarta.ws.MessageLimits;
import io.realtime.jobs.JobLogEmitter;
import io.realtime.observe.RealtimeObserver;
import io.realtime.protocol.ClientProtocol;
import io.realtime.transport.Transport;
import java.util.concurrent.Executor;

/**
 * What every connection of the endpoints shares.
 *
 * <p>This class is internal and is hence not for public use.
 *
 * @param registry the local connections
 * @param events the event broadcaster, or {@code null}
 * @param system the system broadcaster, or {@code null}
 * @param jobLogs the transport of job logs, or {@code null}
 * @param jobLogEmitter this instance's job log emitter, whose backbone and degraded mode the job
 *     log streams share, or {@code null}
 * @param jobLogBacklogExecutor where the viewers of {@code jobLogs} read and send their backlogs
 *     once subscribed (the emitter's viewers use its own)
 * @param eventsProtocol the protocol of {@code /ws/events} (resync through the broadcaster)
 * @param plainProtocol the protocol of the other endpoints
 * @param credentials the accepted secrets
 * @param rateLimiter the connection rate limiter
 * @param trustedProxies proxies whose {@code X-Forwarded-For} is believed
 * @param origins the accepted browser origins
 * @param caps the caps on concurrent connections
 * @param messageLimits the container's message limits
 * @param observer who is told of refused connections, already guarded
 */
public record EndpointContext(
    ConnectionRegistry registry,
    EventBroadcaster events,
    SystemBroadcaster system,
    Transport jobLogs,
    JobLogEmitter jobLogEmitter,
    Executor jobLogBacklogExecutor,
    ClientProtocol eventsProtocol,
    ClientProtocol plainProtocol,
    Credentials credentials,
    ConnectionRateLimiter rateLimiter,
    TrustedProxies trustedProxies,
    OriginPolicy origins,
    ConnectionCaps caps,
    MessageLimits messageLimits,
    RealtimeObserver observer) {}
