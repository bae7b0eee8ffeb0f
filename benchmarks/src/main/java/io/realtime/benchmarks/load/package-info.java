/**
 * The end-to-end load harness: {@link io.realtime.benchmarks.load.LoadHarness} drives the same
 * scenarios against realtime, Socket.IO and a bare broadcast loop ({@link
 * io.realtime.benchmarks.load.BenchServer}) with JDK WebSocket clients. Run it through {@code
 * benchmarks/run.sh}.
 */
package io.realtime.benchmarks.load;
