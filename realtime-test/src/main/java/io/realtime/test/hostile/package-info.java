/**
 * A harness for hostile-client tests: a {@link io.realtime.test.hostile.VictimProbe} measures what
 * a well-behaved client gets (event latency, {@code system_status} cadence, ping round trip) while
 * a test attacks the server, {@link io.realtime.test.hostile.Figures} compares that with a
 * baseline, {@link io.realtime.test.hostile.Bystanders} checks that other clients stay open and
 * served, and {@link io.realtime.test.hostile.RecordingSocket} is the JDK WebSocket client they and
 * the attackers use.
 */
package io.realtime.test.hostile;
