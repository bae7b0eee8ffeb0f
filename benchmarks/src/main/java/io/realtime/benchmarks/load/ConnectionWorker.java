package io.realtime.benchmarks.load;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A client process for the connections scenario: a process may hold only so many file descriptors
 * (20,000 on the benchmark machine), so the harness spreads idle clients over several of these. It
 * opens its clients, answers heartbeats, prints {@code ready OPENED FAILED}, and holds them until
 * its standard input closes.
 *
 * <p>Arguments: {@code PROTOCOL PORT COUNT}.
 */
public final class ConnectionWorker {

  private ConnectionWorker() {}

  /**
   * Runs the worker.
   *
   * @param args protocol, port, count
   * @throws Exception if the clients cannot be opened
   */
  public static void main(String[] args) throws Exception {
    WireProtocol protocol = WireProtocol.valueOf(args[0]);
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (Clients clients = new Clients(protocol, new LatencyRecorder())) {
      clients.open(count, port, 0, 0);
      out.println("ready " + clients.opened() + " " + clients.failed());
      while (System.in.read() >= 0) {
        // hold the connections until the harness closes our input
      }
    }
  }
}
