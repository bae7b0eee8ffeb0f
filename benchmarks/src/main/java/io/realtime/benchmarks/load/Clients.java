package io.realtime.benchmarks.load;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many lightweight clients on the JDK's {@code java.net.http.WebSocket}. They are spread over
 * several loopback addresses, so that more than one ephemeral-port range is available: as source
 * addresses where the JDK can bind one ({@code HttpClient.Builder.localAddress}, JDK 19+), else as
 * destination addresses (the servers listen on 0.0.0.0). Each client answers heartbeats, counts
 * events and records their latency from the {@code t} they carry.
 */
final class Clients implements AutoCloseable {

  static final int ADDRESSES = 8;
  private static final Method LOCAL_ADDRESS = localAddressMethod();

  private final WireProtocol protocol;
  private final LatencyRecorder latencies;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<HttpClient> httpClients = new ArrayList<>();
  private final List<WebSocket> sockets = new ArrayList<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();

  Clients(WireProtocol protocol, LatencyRecorder latencies) {
    this.protocol = protocol;
    this.latencies = latencies;
    for (int i = 0; i < ADDRESSES; i++) {
      HttpClient.Builder builder =
          HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(30));
      if (LOCAL_ADDRESS != null) {
        try {
          LOCAL_ADDRESS.invoke(builder, InetAddress.getByName("127.0.0." + (i + 2)));
        } catch (ReflectiveOperationException | UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
      httpClients.add(builder.build());
    }
  }

  private static Method localAddressMethod() {
    try {
      return HttpClient.Builder.class.getMethod("localAddress", InetAddress.class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  /** How the addresses are spread on this JDK: "source" or "destination". */
  static String addressSpread() {
    return LOCAL_ADDRESS != null ? "source 127.0.0.2-9" : "destination 127.0.0.2-9";
  }

  /**
   * Opens clients, at most 256 handshakes at a time, and waits for all of them.
   *
   * @param count how many
   * @param port the server's port
   * @param stallAfter every {@code stallEvery}-th client stops reading after this many events
   * @param stallEvery 0 for no stalled clients
   */
  void open(int count, int port, int stallAfter, int stallEvery) throws InterruptedException {
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      int slot = i % ADDRESSES;
      String host = LOCAL_ADDRESS != null ? "127.0.0.1" : "127.0.0." + (slot + 2);
      URI uri = protocol.uri(host, port);
      boolean stalls = stallEvery > 0 && i % stallEvery == 0;
      CompletableFuture<WebSocket> socket =
          httpClients
              .get(slot)
              .newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(30))
              .buildAsync(uri, new Listener(stalls ? stallAfter : Integer.MAX_VALUE))
              .whenComplete(
                  (ws, error) -> {
                    inFlight.release();
                    if (error == null) {
                      opened.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  });
      pending.add(socket);
    }
    for (CompletableFuture<WebSocket> socket : pending) {
      try {
        synchronized (sockets) {
          sockets.add(socket.join());
        }
      } catch (RuntimeException e) {
        // counted as failed
      }
    }
  }

  long delivered() {
    return delivered.get();
  }

  int opened() {
    return opened.get();
  }

  int failed() {
    return failed.get();
  }

  int closedByServer() {
    return closed.get();
  }

  @Override
  public void close() {
    synchronized (sockets) {
      for (WebSocket socket : sockets) {
        socket.abort();
      }
      sockets.clear();
    }
    executor.shutdownNow();
  }

  private final class Listener implements WebSocket.Listener {
    private final int stallAfter;
    private final StringBuilder partial = new StringBuilder();
    private int events;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    Listener(int stallAfter) {
      this.stallAfter = stallAfter;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      if (!last) {
        partial.append(data);
        webSocket.request(1);
        return null;
      }
      String frame;
      if (partial.length() > 0) {
        frame = partial.append(data).toString();
        partial.setLength(0);
      } else {
        frame = data.toString();
      }
      String answer = protocol.answer(frame);
      if (answer == WireProtocol.EVENT) {
        delivered.incrementAndGet();
        long published = BenchEvents.publishedMicros(frame);
        if (published > 0) {
          latencies.record(BenchEvents.nowMicros() - published);
        }
        events++;
      } else if (answer != null) {
        // The JDK allows one send at a time per socket.
        sending = sending.thenCompose(done -> webSocket.sendText(answer, true));
      }
      if (events < stallAfter) {
        webSocket.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.incrementAndGet();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.incrementAndGet();
    }
  }
}
