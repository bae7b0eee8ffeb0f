/**
 * Test doubles for code built on realtime: a {@link io.realtime.test.RecordingConnection} that can
 * stall, fail or block, and a {@link io.realtime.test.CountingCodec}. Compatibility kits for
 * transports and metric sources live beside them.
 */
package io.realtime.test;
