package io.realtime.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The raw client against a hand-written server on a {@link ServerSocket}. */
class RawWebSocketClientTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final ServerSocket listener;
  private final CompletableFuture<Socket> accepted = new CompletableFuture<>();
  private final List<String> requestLines = new ArrayList<>();

  RawWebSocketClientTest() throws IOException {
    listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              try {
                accepted.complete(listener.accept());
              } catch (IOException e) {
                accepted.completeExceptionally(e);
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
  }

  @AfterEach
  void close() throws Exception {
    listener.close();
    if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
      accepted.join().close();
    }
  }

  private RawWebSocketClient.Builder client() {
    return RawWebSocketClient.builder("127.0.0.1", listener.getLocalPort());
  }

  /** Reads the request and answers it, on a thread of its own, while the client connects. */
  private CompletableFuture<Socket> answer(String status, boolean rightAccept) {
    return accepted.thenApplyAsync(
        socket -> {
          try {
            InputStream in = socket.getInputStream();
            String key = null;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
              requestLines.add(line);
              if (line.startsWith("Sec-WebSocket-Key: ")) {
                key = line.substring("Sec-WebSocket-Key: ".length());
              }
            }
            String accept = rightAccept ? accept(key) : "wrong";
            String answer =
                "HTTP/1.1 "
                    + status
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + accept
                    + "\r\nX-Server: test\r\n\r\n";
            socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
            return socket;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("ended");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static String accept(String key) throws Exception {
    return Base64.getEncoder()
        .encodeToString(
            MessageDigest.getInstance("SHA-1")
                .digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                        .getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void theHandshakeCarriesThePathAndHeadersAndChecksTheAnswer() throws Exception {
    CompletableFuture<Socket> server = answer("101 Switching Protocols", true);

    try (RawWebSocketClient client =
        client()
            .path("/ws/events?api_key=k")
            .origin("https://evil.example")
            .forwardedFor("203.0.113.9")
            .subprotocols("api-key.k", "v1")
            .connect()) {
      server.get(5, TimeUnit.SECONDS);

      assertThat(client.upgraded()).isTrue();
      assertThat(client.header("x-SERVER")).contains("test");
      assertThat(requestLines)
          .contains(
              "GET /ws/events?api_key=k HTTP/1.1",
              "Host: 127.0.0.1:" + listener.getLocalPort(),
              "Origin: https://evil.example",
              "X-Forwarded-For: 203.0.113.9",
              "Sec-WebSocket-Protocol: api-key.k, v1",
              "Sec-WebSocket-Version: 13");
    }
  }

  @Test
  void aWrongAcceptIsAnError() {
    answer("101 Switching Protocols", false);

    assertThatThrownBy(() -> client().connect())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Sec-WebSocket-Accept 'wrong'");
  }

  @Test
  void aRefusedHandshakeIsReportedAndSendsNothing() throws Exception {
    answer("403 Forbidden", true);

    try (RawWebSocketClient client = client().connect()) {
      assertThat(client.upgraded()).isFalse();
      assertThat(client.handshakeStatus()).isEqualTo(403);
      assertThat(client.awaitClose(WAIT).code()).isEqualTo(RawWebSocketClient.ABNORMAL_CLOSURE);
      assertThatThrownBy(() -> client.sendText("hi"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("answered 403");
    }
  }

  @Test
  void framesAreMaskedAndTheirLengthsEncodedAsRfc6455Says() throws Exception {
    CompletableFuture<Socket> server = answer("101 Switching Protocols", true);
    try (RawWebSocketClient client = client().connect()) {
      DataInputStream in = new DataInputStream(server.get(5, TimeUnit.SECONDS).getInputStream());

      client.sendText("hello");
      assertThat(readFrame(in, 5)).isEqualTo("hello");
      client.sendText("x".repeat(300));
      assertThat(readFrame(in, 300)).isEqualTo("x".repeat(300));
      client.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, 4L << 20);
      client.sendPayload("part".getBytes(StandardCharsets.UTF_8));
      client.sendPayload("ial".getBytes(StandardCharsets.UTF_8));
      assertThat(readFrame(in, 7)).isEqualTo("partial");
      assertThatThrownBy(() -> client.sendText("next"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the previous frame still expects 4194297 payload bytes");
    }
  }

  /** Reads a masked text frame's header and the first {@code bytes} bytes of its payload. */
  private static String readFrame(DataInputStream in, int bytes) throws IOException {
    assertThat(in.readUnsignedByte()).isEqualTo(0x81);
    int b1 = in.readUnsignedByte();
    assertThat(b1 & 0x80).as("mask bit").isEqualTo(0x80);
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
      assertThat(length).isBetween(126L, 65_535L);
    } else if (length == 127) {
      length = in.readLong();
      assertThat(length).isGreaterThan(65_535L);
    }
    assertThat(length).isGreaterThanOrEqualTo(bytes);
    byte[] mask = in.readNBytes(4);
    byte[] payload = in.readNBytes(bytes);
    for (int i = 0; i < payload.length; i++) {
      payload[i] ^= mask[i & 3];
    }
    return new String(payload, StandardCharsets.UTF_8);
  }

  @Test
  void theServersMessagesAndCloseFrameAreRecorded() throws Exception {
    CompletableFuture<Socket> server = answer("101 Switching Protocols", true);
    try (RawWebSocketClient client = client().connect()) {
      OutputStream out = server.get(5, TimeUnit.SECONDS).getOutputStream();

      out.write(new byte[] {0x01, 0x03, 'a', 'b', 'c'}); // a text fragment
      out.write(new byte[] {(byte) 0x89, 0x01, 'p'}); // a ping between the fragments
      out.write(new byte[] {(byte) 0x80, 0x02, 'd', 'e'}); // the last fragment
      out.write(new byte[] {(byte) 0x88, 0x05, 0x03, (byte) 0xF1, 'b', 'i', 'g'});

      assertThat(client.awaitText(m -> m.startsWith("abc"), WAIT)).isEqualTo("abcde");
      RawWebSocketClient.Close close = client.awaitClose(WAIT);
      assertThat(close.code()).isEqualTo(1009);
      assertThat(close.reason()).isEqualTo("big");
      assertThat(close.fromServer()).isTrue();
      assertThat(client.receivedPings()).hasSize(1);
      assertThat(client.receivedTexts()).containsExactly("abcde");
    }
  }

  @Test
  void aConnectionEndedWithoutCloseFrameIs1006() throws Exception {
    CompletableFuture<Socket> server = answer("101 Switching Protocols", true);
    try (RawWebSocketClient client = client().connect()) {
      server.get(5, TimeUnit.SECONDS).close();

      RawWebSocketClient.Close close = client.awaitClose(WAIT);

      assertThat(close.code()).isEqualTo(RawWebSocketClient.ABNORMAL_CLOSURE);
      assertThat(close.fromServer()).isFalse();
      assertThatThrownBy(() -> client.awaitText(m -> true, WAIT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("before the connection closed");
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheirValue() {
    assertThatThrownBy(() -> RawWebSocketClient.builder("h", 0))
        .hasMessage("port must be from 1 to 65535, got 0");
    assertThatThrownBy(() -> client().path("ws")).hasMessage("path must start with '/', got 'ws'");
    assertThatThrownBy(() -> client().header("X-A", "a\r\nInjected: b"))
        .hasMessageContaining("not a header value");
  }
}
