package io.realtime.test.hostile;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ordinary clients that must not notice an attack: each stays open and keeps receiving. {@link
 * #mark()} before the attack, {@link #assertUndisturbed(Duration)} after it.
 */
public final class Bystanders implements AutoCloseable {

  private final List<RecordingSocket> sockets = new ArrayList<>();
  private final List<URI> uris;
  private int[] marks;

  private Bystanders(List<URI> uris, Map<String, String> headers) {
    this.uris = List.copyOf(uris);
    try {
      for (URI uri : uris) {
        sockets.add(RecordingSocket.connect(uri, headers));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    mark();
  }

  /**
   * Connects one bystander per URI.
   *
   * @param uris where each connects; a URI may repeat
   * @param headers request headers of every handshake
   * @return the bystanders
   */
  public static Bystanders connect(List<URI> uris, Map<String, String> headers) {
    return new Bystanders(uris, headers);
  }

  /** Remembers how much each has received, for {@link #assertUndisturbed(Duration)}. */
  public void mark() {
    marks = sockets.stream().mapToInt(RecordingSocket::count).toArray();
  }

  /**
   * Asserts that every bystander is open and has received a message since the last {@link #mark()},
   * waiting up to {@code atMost} for those that have not yet.
   *
   * @param atMost how long a quiet bystander may take to receive something
   * @throws AssertionError naming each closed or silent bystander
   */
  public void assertUndisturbed(Duration atMost) {
    List<String> problems = new ArrayList<>();
    long deadline = System.nanoTime() + atMost.toNanos();
    for (int i = 0; i < sockets.size(); i++) {
      RecordingSocket socket = sockets.get(i);
      if (!socket.isOpen()) {
        problems.add(uris.get(i) + " was closed: " + socket.closed().getNow(null));
        continue;
      }
      try {
        socket.awaitMessage(
            marks[i], m -> true, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } catch (AssertionError e) {
        problems.add(uris.get(i) + " received nothing: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "bystanders were disturbed:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** Closes every bystander. */
  @Override
  public void close() {
    sockets.forEach(RecordingSocket::close);
  }
}
