/**
 * The end-to-end load harness: {@link io.realtime.benchmarks.load.LoadHarness} drives the same
 * scenarios against realtime, Socket.IO, a bare broadcast loop and a Netty ceiling ({@link
 * io.realtime.benchmarks.load.BenchServer}, {@code limit}) with JDK WebSocket clients. Run it
 * through {@code benchmarks/run.sh}.
 */
package io.realtime.benchmarks.load;
