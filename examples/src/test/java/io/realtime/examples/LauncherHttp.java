package io.realtime.examples;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;

/**
 * Raw HTTP/1.1 and WebSocket handshakes over a socket, so that a test controls every byte: request
 * targets no client library would send ({@code /%2e%2e/x}), and headers such as {@code Origin} and
 * {@code X-Forwarded-For} exactly as given or left out.
 */
final class LauncherHttp {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  private LauncherHttp() {}

  /** An HTTP response; header names lower-cased. */
  record Response(int status, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(", ", values);
    }
  }

  /** The first frame the server sent after a WebSocket handshake. */
  record Frame(int status, int opcode, int closeCode, String text) {
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;

    boolean isClose() {
      return opcode == CLOSE;
    }
  }

  /** Waits until the launcher answers HTTP on this port. */
  static void awaitUp(int port) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> get(port, "/").status() > 0);
  }

  /** Sends {@code GET target} with {@code Connection: close} and reads the whole response. */
  static Response get(int port, String target) throws IOException {
    return request(port, "GET", target);
  }

  /** Sends {@code METHOD target} with {@code Connection: close} and reads the whole response. */
  static Response request(int port, String method, String target) throws IOException {
    return request(port, method, target, Map.of());
  }

  /** Sends {@code METHOD target} with these extra headers and reads the whole response. */
  static Response request(int port, String method, String target, Map<String, String> extraHeaders)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      StringBuilder head =
          new StringBuilder(
              method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
      extraHeaders.forEach(
          (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("Connection: close\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      int status = readHead(in, headers);
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, headers, body);
    }
  }

  /**
   * Opens a WebSocket with exactly these extra headers (none added: no {@code Origin} unless given)
   * and returns the first frame the server sends, or the handshake's status if it is not 101.
   */
  static Frame firstFrame(int port, String target, Map<String, String> extraHeaders)
      throws IOException {
    try (Held held = open(port, target, extraHeaders)) {
      return held.first();
    }
  }

  /** A WebSocket left open after its first frame; closing it drops the connection. */
  record Held(Socket socket, Frame first) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Opens a WebSocket, reads the first frame the server sends and leaves the socket open. */
  static Held open(int port, String target, Map<String, String> extraHeaders) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    try {
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      StringBuilder request =
          new StringBuilder()
              .append("GET ")
              .append(target)
              .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
              .append(port)
              .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
              .append("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
              .append(Base64.getEncoder().encodeToString(nonce))
              .append("\r\n");
      extraHeaders.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int status = readHead(in, new LinkedHashMap<>());
      if (status != 101) {
        return new Held(socket, new Frame(status, -1, -1, null));
      }
      return new Held(socket, readFrame(status, in));
    } catch (SocketTimeoutException e) {
      socket.close();
      throw new IllegalStateException("no frame from " + target + " within " + READ_TIMEOUT, e);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static Frame readFrame(int status, DataInputStream in) throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    int opcode = first & 0x0f;
    if (opcode == Frame.CLOSE && payload.length >= 2) {
      int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
      return new Frame(
          status, opcode, code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }
    return new Frame(status, opcode, -1, new String(payload, StandardCharsets.UTF_8));
  }

  /** Reads the status line and headers, up to the blank line; returns the status code. */
  private static int readHead(InputStream in, Map<String, List<String>> headers)
      throws IOException {
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    return Integer.parseInt(parts[1]);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed mid-header: " + line);
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
