package io.realtime.test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A WebSocket client on a plain {@link Socket} that can misbehave: it writes frames byte by byte as
 * asked, including a frame header that declares more payload than ever follows, so tests can check
 * what a server does with hostile input rather than with what a well-behaved client library sends.
 *
 * <pre>{@code
 * try (RawWebSocketClient client =
 *     RawWebSocketClient.builder("127.0.0.1", port).path("/ws/events").connect()) {
 *   client.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, 4L << 20); // declares 4 MiB
 *   client.sendPayload(new byte[64 * 1024]); // sends 64 KiB of it, then stalls
 *   RawWebSocketClient.Close close = client.awaitClose(Duration.ofSeconds(1));
 *   assert close.code() == 1009;
 * }
 * }</pre>
 *
 * <p>The opening handshake is HTTP/1.1 with any extra headers ({@code Origin}, {@code
 * X-Forwarded-For}, {@code Sec-WebSocket-Protocol}...). Whatever the server answers is kept ({@link
 * #handshakeStatus()}, {@link #handshakeHeaders()}); frames can be sent only after a {@code 101}.
 * Every frame the client sends is masked, as RFC 6455 requires of clients, unless sent with {@link
 * #sendRaw(byte[])}. A daemon thread reads what the server sends: text messages ({@link
 * #receivedTexts()}, {@link #awaitText}) and the close frame ({@link #awaitClose}); pings are
 * recorded, not answered.
 *
 * <p>Every wait is bounded: the connection and the handshake by the builder's timeouts, the awaits
 * by their argument. Writes block while the socket's send buffer is full. Thread-safe: frames are
 * written whole under a lock, but a frame started with {@link #sendFrameHeader} must be continued
 * with {@link #sendPayload} by one thread. Uses only the JDK.
 */
public final class RawWebSocketClient implements AutoCloseable {

  /** The opcode of a continuation frame. */
  public static final int OPCODE_CONTINUATION = 0x0;

  /** The opcode of a text frame. */
  public static final int OPCODE_TEXT = 0x1;

  /** The opcode of a binary frame. */
  public static final int OPCODE_BINARY = 0x2;

  /** The opcode of a close frame. */
  public static final int OPCODE_CLOSE = 0x8;

  /** The opcode of a ping frame. */
  public static final int OPCODE_PING = 0x9;

  /** The opcode of a pong frame. */
  public static final int OPCODE_PONG = 0xA;

  /** The code reported when the connection ended without a close frame (never on the wire). */
  public static final int ABNORMAL_CLOSURE = 1006;

  /** The code reported for a close frame without a status code (never on the wire). */
  public static final int NO_STATUS_CODE = 1005;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int MAX_HANDSHAKE_BYTES = 64 * 1024;
  private static final int MAX_SERVER_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int handshakeStatus;
  private final Map<String, List<String>> handshakeHeaders;
  private final List<String> texts = new CopyOnWriteArrayList<>();
  private final List<byte[]> pings = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicInteger framesAfterClose =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Object writeLock = new Object();
  private final Thread reader;

  private byte[] frameMask;
  private long frameRemaining;
  private long frameWritten;

  private RawWebSocketClient(Builder builder) throws IOException {
    socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      if (builder.localAddress != null) {
        socket.bind(new InetSocketAddress(builder.localAddress, 0));
      }
      socket.connect(
          new InetSocketAddress(builder.host, builder.port),
          Math.toIntExact(builder.connectTimeout.toMillis()));
      socket.setSoTimeout(Math.toIntExact(builder.handshakeTimeout.toMillis()));
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      String key = Base64.getEncoder().encodeToString(randomBytes(16));
      out.write(request(builder, key).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      List<String> lines = readHeaderLines();
      handshakeStatus = status(lines.get(0));
      handshakeHeaders = headers(lines);
      if (handshakeStatus == 101) {
        String accept = header("Sec-WebSocket-Accept").orElse(null);
        if (!expectedAccept(key).equals(accept)) {
          throw new IOException(
              "The server answered 101 with Sec-WebSocket-Accept '"
                  + accept
                  + "', expected '"
                  + expectedAccept(key)
                  + "'");
        }
      }
      socket.setSoTimeout(0);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    if (handshakeStatus == 101) {
      reader = new Thread(this::readFrames, "raw-websocket-reader-" + socket.getLocalPort());
      reader.setDaemon(true);
      reader.start();
    } else {
      reader = null;
      closed.complete(
          new Close(ABNORMAL_CLOSURE, "handshake answered " + handshakeStatus, System.nanoTime()));
    }
  }

  /**
   * Starts a client of a server.
   *
   * @param host the server's host name or address; also the {@code Host} header
   * @param port the server's port
   * @return a builder
   */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  /**
   * Returns the status code of the server's answer to the opening handshake.
   *
   * @return {@code 101} when the connection was upgraded
   */
  public int handshakeStatus() {
    return handshakeStatus;
  }

  /**
   * Returns the headers of the server's answer to the opening handshake, names in lower case.
   *
   * @return the headers, in the order received
   */
  public Map<String, List<String>> handshakeHeaders() {
    return handshakeHeaders;
  }

  /**
   * Returns the first value of a header of the server's answer to the opening handshake.
   *
   * @param name the header name, in any case
   * @return the value, or empty
   */
  public Optional<String> header(String name) {
    List<String> values = handshakeHeaders.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Returns whether the server accepted the upgrade.
   *
   * @return whether the handshake was answered with {@code 101}
   */
  public boolean upgraded() {
    return handshakeStatus == 101;
  }

  /**
   * Sends a whole masked text frame.
   *
   * @param text the message
   * @throws IOException if the socket fails
   */
  public void sendText(String text) throws IOException {
    sendFrame(OPCODE_TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends a whole masked binary frame.
   *
   * @param data the message
   * @throws IOException if the socket fails
   */
  public void sendBinary(byte[] data) throws IOException {
    sendFrame(OPCODE_BINARY, true, data);
  }

  /**
   * Sends a whole masked frame; {@code fin == false} and continuation frames build fragmented
   * messages.
   *
   * @param opcode the opcode, one of the {@code OPCODE_} constants or any other 4-bit value
   * @param fin whether this is the last frame of its message
   * @param payload the payload, all of it
   * @throws IOException if the socket fails
   */
  public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    synchronized (writeLock) {
      sendFrameHeader(opcode, fin, payload.length);
      sendPayload(payload);
    }
  }

  /**
   * Sends the header of a masked frame that declares {@code declaredLength} payload bytes, and no
   * payload: follow it with {@link #sendPayload} as often as wanted, or never. The length is
   * encoded in 7, 16 or 64 bits, as RFC 6455 requires for its size.
   *
   * @param opcode the opcode
   * @param fin whether this is the last frame of its message
   * @param declaredLength the payload length the header announces, from 0
   * @throws IOException if the socket fails
   * @throws IllegalStateException if the previous frame's payload is not complete
   */
  public void sendFrameHeader(int opcode, boolean fin, long declaredLength) throws IOException {
    if (opcode < 0 || opcode > 0xF) {
      throw new IllegalArgumentException("opcode must be from 0 to 15, got " + opcode);
    }
    if (declaredLength < 0) {
      throw new IllegalArgumentException("declaredLength must be >= 0, got " + declaredLength);
    }
    requireUpgraded();
    synchronized (writeLock) {
      if (frameRemaining > 0) {
        throw new IllegalStateException(
            "the previous frame still expects " + frameRemaining + " payload bytes");
      }
      ByteArrayOutputStream header = new ByteArrayOutputStream(14);
      header.write((fin ? 0x80 : 0) | opcode);
      if (declaredLength < 126) {
        header.write(0x80 | (int) declaredLength);
      } else if (declaredLength <= 0xFFFF) {
        header.write(0x80 | 126);
        header.write((int) (declaredLength >>> 8));
        header.write((int) declaredLength);
      } else {
        header.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          header.write((int) (declaredLength >>> shift));
        }
      }
      frameMask = randomBytes(4);
      header.write(frameMask, 0, 4);
      frameRemaining = declaredLength;
      frameWritten = 0;
      out.write(header.toByteArray());
      out.flush();
    }
  }

  /**
   * Sends the next payload bytes of the frame begun by {@link #sendFrameHeader}, masked.
   *
   * @param bytes at most what the frame's header still declares
   * @throws IOException if the socket fails
   * @throws IllegalStateException if more bytes are given than the header declared
   */
  public void sendPayload(byte[] bytes) throws IOException {
    requireUpgraded();
    synchronized (writeLock) {
      if (bytes.length > frameRemaining) {
        throw new IllegalStateException(
            "the frame's header declared "
                + frameRemaining
                + " more payload bytes, got "
                + bytes.length);
      }
      byte[] masked = new byte[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        masked[i] = (byte) (bytes[i] ^ frameMask[(int) ((frameWritten + i) & 3)]);
      }
      frameWritten += bytes.length;
      frameRemaining -= bytes.length;
      out.write(masked);
      out.flush();
    }
  }

  /**
   * Sends a close frame.
   *
   * @param code the status code
   * @param reason the reason, at most 123 UTF-8 bytes
   * @throws IOException if the socket fails
   */
  public void sendClose(int code, String reason) throws IOException {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + text.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, text.length);
    sendFrame(OPCODE_CLOSE, true, payload);
  }

  /**
   * Writes bytes as they are, unmasked and unframed, for input no well-behaved client sends.
   *
   * @param bytes the bytes
   * @throws IOException if the socket fails
   */
  public void sendRaw(byte[] bytes) throws IOException {
    requireUpgraded();
    synchronized (writeLock) {
      out.write(bytes);
      out.flush();
    }
  }

  /**
   * Returns the text messages received so far, in order.
   *
   * @return a snapshot
   */
  public List<String> receivedTexts() {
    return List.copyOf(texts);
  }

  /**
   * Returns the payloads of the pings received so far; they are not answered.
   *
   * @return a snapshot
   */
  public List<byte[]> receivedPings() {
    return List.copyOf(pings);
  }

  /**
   * Waits for a text message that matches.
   *
   * @param match the test
   * @param timeout the longest wait
   * @return the first matching message received
   * @throws TimeoutException if none arrived in time
   * @throws IllegalStateException if the connection closed before one arrived
   * @throws InterruptedException if interrupted
   */
  public String awaitText(Predicate<String> match, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (texts) {
      while (true) {
        for (String text : texts) {
          if (match.test(text)) {
            return text;
          }
        }
        if (closed.isDone()) {
          throw new IllegalStateException(
              "no matching text among "
                  + texts.size()
                  + " received before the connection closed: "
                  + closed.getNow(null));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "no matching text in "
                  + timeout
                  + "; received "
                  + texts.size()
                  + " texts, close: "
                  + closeFrame().map(Close::toString).orElse("none"));
        }
        TimeUnit.NANOSECONDS.timedWait(texts, left);
      }
    }
  }

  /**
   * Waits for the connection to close.
   *
   * @param timeout the longest wait
   * @return the server's close frame, or {@link #ABNORMAL_CLOSURE} if the connection ended without
   *     one
   * @throws TimeoutException if it is still open
   * @throws InterruptedException if interrupted
   */
  public Close awaitClose(Duration timeout) throws TimeoutException, InterruptedException {
    try {
      return closed.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Returns how the connection closed, if it has.
   *
   * @return the close, or empty while open
   */
  public Optional<Close> closeFrame() {
    return Optional.ofNullable(closed.getNow(null));
  }

  /**
   * Returns a future of how the connection closes.
   *
   * @return completed with the close frame, or with {@link #ABNORMAL_CLOSURE} when the connection
   *     ends without one
   */
  public CompletableFuture<Close> closed() {
    return closed.copy();
  }

  /** Closes the socket at once, without a close frame. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to release
    }
    if (reader != null) {
      try {
        reader.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closed.complete(new Close(ABNORMAL_CLOSURE, "closed by the client", System.nanoTime()));
  }

  private void requireUpgraded() {
    if (!upgraded()) {
      throw new IllegalStateException(
          "the handshake was answered " + handshakeStatus + ", not 101: no frames can be sent");
    }
  }

  private static String request(Builder builder, String key) {
    StringBuilder request = new StringBuilder(256);
    request.append("GET ").append(builder.path).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(builder.host).append(':').append(builder.port).append("\r\n");
    request.append("Upgrade: websocket\r\n");
    request.append("Connection: Upgrade\r\n");
    request.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
    request.append("Sec-WebSocket-Version: 13\r\n");
    builder.headers.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    return request.toString();
  }

  private List<String> readHeaderLines() throws IOException {
    List<String> lines = new ArrayList<>();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int total = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection during the handshake");
      }
      if (++total > MAX_HANDSHAKE_BYTES) {
        throw new IOException("the handshake answer exceeds " + MAX_HANDSHAKE_BYTES + " bytes");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
          if (lines.isEmpty()) {
            throw new IOException("the handshake answer has no status line");
          }
          return lines;
        }
        lines.add(text);
        line.reset();
      } else {
        line.write(b);
      }
    }
  }

  private static int status(String statusLine) throws IOException {
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: '" + statusLine + "'");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status line: '" + statusLine + "'", e);
    }
  }

  private static Map<String, List<String>> headers(List<String> lines) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(
                line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    headers.replaceAll((name, values) -> List.copyOf(values));
    return Map.copyOf(headers);
  }

  private static String expectedAccept(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1")
              .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from the JDK", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private void readFrames() {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    boolean inText = false;
    try {
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          ended("the server closed the connection without a close frame");
          return;
        }
        int b1 = readByte();
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        long length = b1 & 0x7F;
        if (length == 126) {
          length = (readByte() << 8) | readByte();
        } else if (length == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = (length << 8) | readByte();
          }
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
          mask = in.readNBytes(4);
        }
        if (length < 0 || length > MAX_SERVER_MESSAGE_BYTES) {
          ended("the server sent a frame of " + length + " bytes");
          return;
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
          ended("the connection ended inside a frame");
          return;
        }
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
          }
        }
        if (closed.isDone()) {
          // RFC 6455 5.5.1: after its close frame a server sends nothing more. Count what it does.
          framesAfterClose.incrementAndGet();
          continue;
        }
        switch (opcode) {
          case OPCODE_CLOSE -> closed.complete(closeOf(payload));
          case OPCODE_PING -> pings.add(payload);
          case OPCODE_PONG -> {
            // unsolicited pongs are allowed and mean nothing
          }
          case OPCODE_TEXT, OPCODE_BINARY, OPCODE_CONTINUATION -> {
            if (opcode != OPCODE_CONTINUATION) {
              message.reset();
              inText = opcode == OPCODE_TEXT;
            }
            if (message.size() + payload.length > MAX_SERVER_MESSAGE_BYTES) {
              ended("the server sent a message over " + MAX_SERVER_MESSAGE_BYTES + " bytes");
              return;
            }
            message.write(payload, 0, payload.length);
            if (fin && inText) {
              synchronized (texts) {
                texts.add(message.toString(StandardCharsets.UTF_8));
                texts.notifyAll();
              }
            }
          }
          default -> {
            ended("the server sent opcode " + opcode);
            return;
          }
        }
      }
    } catch (SocketTimeoutException e) {
      ended("read timed out: " + e.getMessage());
    } catch (IOException e) {
      ended(e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      disconnected.complete(null);
      synchronized (texts) {
        texts.notifyAll();
      }
    }
  }

  /**
   * Returns a future that completes when the connection has ended: the server closed it (end of
   * stream), it failed, or this client closed it. A server that follows its close frame by ending
   * the connection completes it at once, whether or not this client answers the close.
   *
   * @return the future
   */
  public CompletableFuture<Void> disconnected() {
    return disconnected.copy();
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the connection ended inside a frame header");
    }
    return b;
  }

  /**
   * Returns how many frames the server sent after its close frame, until it closed the connection
   * (or this client did): none from a server that follows RFC 6455.
   *
   * @return the count so far
   */
  public int framesAfterClose() {
    return framesAfterClose.get();
  }

  private void ended(String why) {
    closed.complete(new Close(ABNORMAL_CLOSURE, why, System.nanoTime()));
  }

  private static Close closeOf(byte[] payload) {
    long now = System.nanoTime();
    if (payload.length < 2) {
      return new Close(NO_STATUS_CODE, "", now);
    }
    int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    return new Close(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8), now);
  }

  /**
   * How the connection closed.
   *
   * @param code the status code of the server's close frame; {@link #ABNORMAL_CLOSURE} when the
   *     connection ended without one, {@link #NO_STATUS_CODE} when the frame carried none
   * @param reason the frame's reason, or why the connection ended
   * @param receivedAtNanos when it was seen, in {@link System#nanoTime()}
   */
  public record Close(int code, String reason, long receivedAtNanos) {

    /**
     * Checks the fields.
     *
     * @param code the status code
     * @param reason the reason, not null
     * @param receivedAtNanos when it was seen
     */
    public Close {
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns whether the server sent a close frame.
     *
     * @return false when the connection ended without one
     */
    public boolean fromServer() {
      return code != ABNORMAL_CLOSURE;
    }

    @Override
    public String toString() {
      return code + " " + reason;
    }
  }

  /** Configures and opens a {@link RawWebSocketClient}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String path = "/";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private InetAddress localAddress;

    private Builder(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 1 to 65535, got " + port);
      }
      this.host = host;
      this.port = port;
    }

    /**
     * Sets the request target; {@code /} by default.
     *
     * @param path the path and query, starting with {@code /}
     * @return this builder
     */
    public Builder path(String path) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/', got '" + path + "'");
      }
      this.path = path;
      return this;
    }

    /**
     * Adds a request header; a second call with the same name replaces the value. The handshake's
     * own headers ({@code Host}, {@code Upgrade}, {@code Sec-WebSocket-Key}...) are always sent.
     *
     * @param name the header name
     * @param value the value, sent as it is
     * @return this builder
     */
    public Builder header(String name, String value) {
      if (name == null || name.isBlank() || name.contains(":") || name.contains("\n")) {
        throw new IllegalArgumentException("not a header name: '" + name + "'");
      }
      if (value == null || value.contains("\r") || value.contains("\n")) {
        throw new IllegalArgumentException("not a header value: '" + value + "'");
      }
      headers.put(name, value);
      return this;
    }

    /**
     * Sends {@code Origin}, as a browser does.
     *
     * @param origin for example {@code https://evil.example}
     * @return this builder
     */
    public Builder origin(String origin) {
      return header("Origin", origin);
    }

    /**
     * Sends {@code X-Forwarded-For}, as a proxy (or a client pretending to be one) does.
     *
     * @param addresses the header value, for example {@code 203.0.113.9, 10.0.0.1}
     * @return this builder
     */
    public Builder forwardedFor(String addresses) {
      return header("X-Forwarded-For", addresses);
    }

    /**
     * Offers subprotocols in {@code Sec-WebSocket-Protocol}.
     *
     * @param subprotocols in order of preference
     * @return this builder
     */
    public Builder subprotocols(String... subprotocols) {
      return header("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
    }

    /**
     * Sets how long to wait for the TCP connection; 5 s by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /**
     * Sets how long to wait for each read of the handshake answer; 5 s by default.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive("handshakeTimeout", timeout);
      return this;
    }

    /**
     * Sets the address the client connects from, so that one machine can play several clients (any
     * of 127.0.0.0/8 on Linux); by default the system chooses.
     *
     * @param address a local address, for example {@code 127.0.0.2}
     * @return this builder
     */
    public Builder localAddress(InetAddress address) {
      this.localAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    private static Duration positive(String what, Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + timeout);
      }
      return timeout;
    }

    /**
     * Connects and sends the opening handshake.
     *
     * @return the client; check {@link RawWebSocketClient#upgraded()} before sending frames
     * @throws IOException if the connection or the handshake fails or times out
     */
    public RawWebSocketClient connect() throws IOException {
      return new RawWebSocketClient(this);
    }
  }
}
