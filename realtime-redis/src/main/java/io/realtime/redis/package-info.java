/**
 * The Redis module: {@link io.realtime.redis.RedisTransport}, the multi-instance backbone with
 * global stream offsets (standalone, Sentinel or Cluster), its {@link
 * io.realtime.redis.RedisTransportConfig}, and the Redis metric source, queue-depth source and
 * connection rate limiter.
 */
package io.realtime.redis;
