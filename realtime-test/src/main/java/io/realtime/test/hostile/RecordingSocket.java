package io.realtime.test.hostile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A WebSocket client ({@link java.net.http.WebSocket}) that records every text message with the
 * time it arrived, and how the server closed it. Headers such as {@code Origin} and {@code
 * X-Forwarded-For} can be set; the handshake headers the JDK owns ({@code Host}, {@code Upgrade},
 * {@code Connection}, {@code Sec-WebSocket-*}) cannot.
 *
 * <p>Sockets opened without an {@link HttpClient} share one; a measuring client passes its own, so
 * that what other sockets receive never delays what it sees. Thread-safe.
 */
public final class RecordingSocket implements AutoCloseable {

  /** How long a send, a handshake or an {@code await} waits at most unless told otherwise. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private static final class Shared {
    static final HttpClient CLIENT = newClient();
  }

  /**
   * A text message as received.
   *
   * @param text the message
   * @param nanos {@link System#nanoTime()} when its last fragment arrived
   */
  public record Received(String text, long nanos) {}

  /**
   * How the connection closed.
   *
   * @param code the close code; 1006 when it ended without a close frame
   * @param reason the reason phrase, possibly empty
   */
  public record Close(int code, String reason) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Received> received = new ArrayList<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final Consumer<Received> onMessage;
  private final StringBuilder partial = new StringBuilder();
  private volatile WebSocket webSocket;
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

  private final URI uri;

  private RecordingSocket(URI uri, Consumer<Received> onMessage) {
    this.uri = uri;
    this.onMessage = onMessage;
  }

  /**
   * Returns a new HTTP client for a measuring socket: its own selector thread.
   *
   * @return the client
   */
  public static HttpClient newClient() {
    return HttpClient.newBuilder().connectTimeout(WAIT).build();
  }

  /**
   * Connects with the shared client.
   *
   * @param uri the {@code ws://} URI
   * @param headers extra request headers
   * @return the open socket
   * @throws IllegalStateException if the handshake fails
   */
  public static RecordingSocket connect(URI uri, Map<String, String> headers) {
    return connect(Shared.CLIENT, uri, headers, received -> {});
  }

  /**
   * Connects with the shared client and no extra headers.
   *
   * @param uri the {@code ws://} URI
   * @return the open socket
   * @throws IllegalStateException if the handshake fails
   */
  public static RecordingSocket connect(URI uri) {
    return connect(uri, Map.of());
  }

  /**
   * Connects.
   *
   * @param client the HTTP client
   * @param uri the {@code ws://} URI
   * @param headers extra request headers
   * @param onMessage told of each message as it arrives, on the client's thread
   * @return the open socket
   * @throws IllegalStateException if the handshake fails
   */
  public static RecordingSocket connect(
      HttpClient client, URI uri, Map<String, String> headers, Consumer<Received> onMessage) {
    RecordingSocket socket =
        new RecordingSocket(uri, Objects.requireNonNull(onMessage, "onMessage"));
    WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(WAIT);
    headers.forEach(builder::header);
    try {
      socket.webSocket =
          builder
              .buildAsync(uri, socket.new Listener())
              .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to " + uri, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("handshake with " + uri + " failed: " + e, e);
    }
    return socket;
  }

  /**
   * Returns where this socket connected.
   *
   * @return the URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * Sends a text message, after the previous one went out.
   *
   * @param text the message
   * @throws IllegalStateException if it cannot be sent within {@link #WAIT}
   */
  public void send(String text) {
    CompletableFuture<?> sent;
    synchronized (this) {
      await(lastSend, "the previous send");
      sent = webSocket.sendText(text, true);
      lastSend = sent;
    }
    await(sent, "a send");
  }

  private static void await(CompletableFuture<?> future, String what) {
    try {
      future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(what + " failed: " + e, e);
    }
  }

  /**
   * Returns a copy of what arrived so far.
   *
   * @return the messages, oldest first
   */
  public List<Received> received() {
    lock.lock();
    try {
      return List.copyOf(received);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the texts received so far.
   *
   * @return the texts, oldest first
   */
  public List<String> texts() {
    return received().stream().map(Received::text).toList();
  }

  /**
   * Returns how many messages arrived so far.
   *
   * @return the count
   */
  public int count() {
    lock.lock();
    try {
      return received.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a message, received before or after this call, that matches.
   *
   * @param match the condition
   * @param atMost how long to wait
   * @return the first matching message
   * @throws AssertionError naming what did arrive, if none matched in time
   */
  public String awaitMessage(Predicate<String> match, Duration atMost) {
    return awaitMessage(0, match, atMost);
  }

  /**
   * Waits for a matching message at or after position {@code from} (a {@link #count()} taken
   * earlier).
   *
   * @param from the index of the first message to look at
   * @param match the condition
   * @param atMost how long to wait
   * @return the first matching message
   * @throws AssertionError naming what did arrive, if none matched in time
   */
  public String awaitMessage(int from, Predicate<String> match, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    lock.lock();
    try {
      int next = from;
      while (true) {
        for (; next < received.size(); next++) {
          if (match.test(received.get(next).text())) {
            return received.get(next).text();
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed.isDone()) {
          throw new AssertionError(
              "no matching message within "
                  + atMost.toMillis()
                  + " ms"
                  + (closed.isDone() ? " (closed: " + closed.join() + ")" : "")
                  + "; received "
                  + received.size()
                  + ", the last: "
                  + preview(
                      received.subList(Math.max(from, received.size() - 3), received.size())));
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns how many messages received so far match.
   *
   * @param match the condition
   * @return the count
   */
  public long count(Predicate<String> match) {
    return received().stream().map(Received::text).filter(match).count();
  }

  /**
   * Waits until at least {@code n} messages match.
   *
   * @param match the condition
   * @param n how many
   * @param atMost how long to wait
   * @throws AssertionError saying how many matched, if fewer than {@code n} did in time
   */
  public void awaitCount(Predicate<String> match, long n, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    lock.lock();
    try {
      long matched = 0;
      int next = 0;
      while (true) {
        for (; next < received.size(); next++) {
          if (match.test(received.get(next).text())) {
            matched++;
          }
        }
        if (matched >= n) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed.isDone()) {
          throw new AssertionError(
              "expected "
                  + n
                  + " matching messages within "
                  + atMost.toMillis()
                  + " ms, got "
                  + matched
                  + (closed.isDone() ? " (closed: " + closed.join() + ")" : ""));
        }
        changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  private static String preview(List<Received> messages) {
    return messages.stream()
        .map(m -> m.text().length() > 200 ? m.text().substring(0, 200) + "..." : m.text())
        .toList()
        .toString();
  }

  /**
   * Waits for the server's verdict on a new connection: its first message (admitted) or its close
   * (refused). Use it on an endpoint that sends something at once, such as the system endpoint.
   *
   * @param atMost how long to wait
   * @return empty when admitted, else how it was refused
   * @throws AssertionError if neither happened in time
   */
  public Optional<Close> awaitAdmission(Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    lock.lock();
    try {
      while (received.isEmpty() && !closed.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "neither a message nor a close within " + atMost.toMillis() + " ms");
        }
        changed.awaitNanos(left);
      }
      return received.isEmpty() ? Optional.of(closed.join()) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the server to close the connection.
   *
   * @param atMost how long to wait
   * @return how it closed
   * @throws AssertionError if it is still open after {@code atMost}
   */
  public Close awaitClose(Duration atMost) {
    try {
      return closed.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "still open after " + atMost.toMillis() + " ms; received " + count() + " messages", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    }
  }

  /**
   * Returns how the connection closed, once it has.
   *
   * @return the close, completed when the connection ends
   */
  public CompletableFuture<Close> closed() {
    return closed;
  }

  /**
   * Tells whether the connection is still open in both directions.
   *
   * @return whether no close was received or sent
   */
  public boolean isOpen() {
    return !closed.isDone() && !webSocket.isOutputClosed() && !webSocket.isInputClosed();
  }

  /** Closes with 1000; drops the connection if the close handshake does not end in 2 s. */
  @Override
  public void close() {
    WebSocket socket = webSocket;
    if (socket == null) {
      return;
    }
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
    }
    closed.thenRun(() -> {}).completeOnTimeout(null, 2, TimeUnit.SECONDS).thenRun(socket::abort);
  }

  private void record(Received message) {
    lock.lock();
    try {
      received.add(message);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onMessage.accept(message);
  }

  private void ended(Close close) {
    closed.complete(close);
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket socket) {
      socket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      long nanos = System.nanoTime();
      String text;
      synchronized (partial) {
        partial.append(data);
        if (!last) {
          socket.request(1);
          return null;
        }
        text = partial.toString();
        partial.setLength(0);
      }
      record(new Received(text, nanos));
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      ended(new Close(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      ended(new Close(1006, String.valueOf(error)));
    }
  }
}
