package io.realtime.benchmarks.load;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * events and records their latency from the {@code t} they carry. A realtime client can be
 * reconnected with a resync from the last position it received ({@link #reconnect}); replayed
 * events are counted apart and their latency is not recorded.
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
  private final AtomicLong replayed = new AtomicLong();
  private final AtomicInteger resyncsAcked = new AtomicInteger();
  private final AtomicInteger resyncsRecovered = new AtomicInteger();
  private final List<Listener> listeners = new ArrayList<>();

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
      boolean stalls = stallEvery > 0 && i % stallEvery == 0;
      Listener listener = new Listener(port, slot, stalls ? stallAfter : Integer.MAX_VALUE, null);
      pending.add(connect(listener).whenComplete((ws, error) -> inFlight.release()));
    }
    for (CompletableFuture<WebSocket> socket : pending) {
      try {
        socket.join();
      } catch (RuntimeException e) {
        // counted as failed
      }
    }
  }

  private CompletableFuture<WebSocket> connect(Listener listener) {
    String host = LOCAL_ADDRESS != null ? "127.0.0.1" : "127.0.0." + (listener.slot + 2);
    synchronized (listeners) {
      listeners.add(listener);
    }
    return httpClients
        .get(listener.slot)
        .newWebSocketBuilder()
        .connectTimeout(Duration.ofSeconds(30))
        .buildAsync(protocol.uri(host, listener.port), listener)
        .whenComplete(
            (ws, error) -> {
              if (error == null) {
                opened.incrementAndGet();
                synchronized (sockets) {
                  sockets.add(ws);
                }
              } else {
                failed.incrementAndGet();
              }
            });
  }

  /**
   * Reconnects {@code count} clients chosen at random among those that read and are open: each is
   * aborted and replaced by a new connection to the same server which, on realtime, first sends a
   * {@code resync} with the {@code seq} and {@code epoch} of the last event the old one received.
   *
   * @return the new connections, complete when open
   */
  List<CompletableFuture<WebSocket>> reconnect(int count, Random random) {
    List<Listener> healthy = new ArrayList<>();
    synchronized (listeners) {
      for (Listener listener : listeners) {
        if (listener.stallAfter == Integer.MAX_VALUE && listener.open()) {
          healthy.add(listener);
        }
      }
    }
    List<CompletableFuture<WebSocket>> reconnected = new ArrayList<>();
    for (int i = 0; i < count && !healthy.isEmpty(); i++) {
      Listener old = healthy.remove(random.nextInt(healthy.size()));
      old.retire();
      reconnected.add(
          connect(new Listener(old.port, old.slot, Integer.MAX_VALUE, resyncRequest(old))));
    }
    return reconnected;
  }

  /**
   * Replaces stalling clients that the server has closed with new ones that stall likewise, so that
   * the same share of clients keeps stalling. A client that stopped reading never reads the close
   * frame either, so the caller says how many the server closed (from its connection count): those
   * seen closed go first, then the oldest stalling ones.
   *
   * @param closedByServer how many connections the server no longer holds
   * @return the new connections, complete when open
   */
  List<CompletableFuture<WebSocket>> replaceStalled(int closedByServer) {
    List<Listener> seenClosed = new ArrayList<>();
    List<Listener> oldestFirst = new ArrayList<>();
    synchronized (listeners) {
      for (Listener listener : listeners) {
        if (listener.stallAfter != Integer.MAX_VALUE && !listener.retired) {
          (listener.closedByPeer ? seenClosed : oldestFirst).add(listener);
        }
      }
    }
    int more = Math.max(0, Math.min(oldestFirst.size(), closedByServer - seenClosed.size()));
    List<Listener> gone = new ArrayList<>(seenClosed);
    gone.addAll(oldestFirst.subList(0, more));
    List<CompletableFuture<WebSocket>> replaced = new ArrayList<>();
    for (Listener old : gone) {
      old.retire();
      replaced.add(connect(new Listener(old.port, old.slot, old.stallAfter, null)));
    }
    return replaced;
  }

  /** The realtime resync request for the last event a client received, or null if none. */
  private String resyncRequest(Listener old) {
    String last = old.lastEvent;
    if (protocol != WireProtocol.REALTIME || last == null) {
      return null;
    }
    return "{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":"
        + BenchEvents.number(last, "seq")
        + ",\"epoch\":\""
        + BenchEvents.text(last, "epoch")
        + "\"}}";
  }

  /** Clients currently open and not retired. */
  int open() {
    synchronized (listeners) {
      return (int) listeners.stream().filter(Listener::open).count();
    }
  }

  long replayed() {
    return replayed.get();
  }

  int resyncsAcked() {
    return resyncsAcked.get();
  }

  int resyncsRecovered() {
    return resyncsRecovered.get();
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
    private final int port;
    private final int slot;
    private final int stallAfter;
    private final String resync;
    private final StringBuilder partial = new StringBuilder();
    private int events;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private volatile WebSocket socket;
    private volatile String lastEvent;
    private volatile boolean closedByPeer;
    private volatile boolean retired;

    /**
     * @param resync a message to send first, or null
     */
    Listener(int port, int slot, int stallAfter, String resync) {
      this.port = port;
      this.slot = slot;
      this.stallAfter = stallAfter;
      this.resync = resync;
    }

    boolean open() {
      return socket != null && !closedByPeer && !retired;
    }

    /** Aborts this client on purpose: its close is not counted. */
    void retire() {
      retired = true;
      WebSocket webSocket = socket;
      if (webSocket != null) {
        webSocket.abort();
        synchronized (sockets) {
          sockets.remove(webSocket);
        }
      }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      if (resync != null) {
        sending = webSocket.sendText(resync, true);
      }
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
        lastEvent = frame;
        if (protocol == WireProtocol.REALTIME && frame.contains("\"replay\":true")) {
          replayed.incrementAndGet();
        } else {
          delivered.incrementAndGet();
          long published = BenchEvents.publishedMicros(frame);
          if (published > 0) {
            latencies.record(BenchEvents.nowMicros() - published);
          }
        }
        events++;
      } else if (protocol == WireProtocol.REALTIME
          && frame.startsWith("{\"type\":\"resync_ack\"")) {
        resyncsAcked.incrementAndGet();
        if (frame.contains("\"recovered\":true")) {
          resyncsRecovered.incrementAndGet();
        }
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
      peerClosed();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      peerClosed();
    }

    private void peerClosed() {
      if (!retired && !closedByPeer) {
        closedByPeer = true;
        closed.incrementAndGet();
      }
    }
  }
}
