package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.Envelope;
import io.realtime.message.payload.RiskLevel;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.protocol.ClientProtocol;
import io.realtime.test.HeapReadings;
import io.realtime.test.RawWebSocketClient;
import io.realtime.test.RawWebSocketClient.Close;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every container does with frames and messages over the limit, sent by a raw client that
 * declares more than it sends: refused with 1009, quickly, without the server holding the payload.
 * Subclasses say which container and whether it refuses at the frame header.
 */
abstract class FrameLimitsSuite {

  private static final Logger log = LoggerFactory.getLogger(FrameLimitsSuite.class);

  private static final int TOO_BIG = 1009;
  private static final long FOUR_MIB = 4L << 20;
  private static final Duration REFUSAL = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int STALLED_CLIENTS = 40;
  private static final int STALLED_BYTES = 1 << 20;
  private static final long HEAP_TOLERANCE = 30L << 20;
  private static final int HELD_CLIENTS = 100;

  /**
   * What one connection that has sent a message may hold in the server and the raw client together:
   * less than one text buffer sized for the whole message limit (73,728 characters, 147 KB), which
   * a container that kept such a buffer for every connection would pass. Measured on 2026-12-03:
   * Jetty 31 KB, Tyrus 34 KB, Tomcat 73 KB (225 KB with a whole-message handler).
   */
  private static final long HELD_BYTES_PER_CONNECTION = 2L * MessageLimits.DEFAULT.textChars();

  /** The default limits: 73,728 characters, 221,184 bytes of UTF-8. */
  static final MessageLimits LIMITS = MessageLimits.DEFAULT;

  protected abstract WebSocketServerUnderTest server();

  /**
   * Returns how many bytes of one text message's ASCII payload the container reads before it
   * refuses it: 0 when it refuses a frame as its header arrives, otherwise the size of the buffer
   * it fills first.
   */
  protected abstract int textBytesReadBeforeRefusal();

  private final InMemoryBackbone backbone = new InMemoryBackbone();
  private final List<AutoCloseable> closeables = backbone.closeables;
  private final InMemoryTransport transport = backbone.transport;
  private final ConnectionRegistry registry = backbone.registry;
  private int port;
  private EventBroadcaster events;

  @AfterEach
  void stop() throws Exception {
    backbone.close();
  }

  private void start() throws Exception {
    events = EventBroadcaster.builder(transport, registry).build();
    events.start();
    closeables.add(events);
    RealtimeWebSocket websocket =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .rateLimiter(
                new SlidingWindowRateLimiter(10_000, 0, Duration.ofMinutes(1), TimeSource.system()))
            .build();
    closeables.add(websocket);
    WebSocketServerUnderTest server = server();
    closeables.add(server);
    port = server.start(websocket);
  }

  @Test
  void nothingIsSentAfterTheCloseFrame() throws Exception {
    start();
    RawWebSocketClient client = raw();

    client.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, 4L << 20);
    sendQuietly(() -> client.sendPayload(ascii(textBytesReadBeforeRefusal() + 1)));
    assertThat(awaitCloseOrReport(client, REFUSAL).code()).isEqualTo(TOO_BIG);
    // Events keep coming while the server finishes closing: none may follow its close frame.
    long[] n = {0};
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(Duration.ofSeconds(3))
        .until(
            () -> {
              n[0]++;
              events
                  .publish(
                      Envelope.event(
                          SecurityEvent.of(
                              n[0], n[0], "b", "gate", 10, RiskLevel.LOW, "after close", null)))
                  .toCompletableFuture()
                  .join();
              return client.framesAfterClose() == 0;
            });
  }

  private RawWebSocketClient raw() throws IOException {
    RawWebSocketClient client =
        RawWebSocketClient.builder("127.0.0.1", port).path("/ws/events").connect();
    closeables.add(client);
    assertThat(client.upgraded()).as("upgraded").isTrue();
    return client;
  }

  private TestClient normalClient() throws Exception {
    TestClient client = TestClient.connect("ws://127.0.0.1:" + port + "/ws/events");
    closeables.add(client);
    return client;
  }

  private static void assertAnswersPing(TestClient client) throws Exception {
    client.received.clear();
    client.send("ping");
    client.awaitMessage(m -> m.equals("{\"type\":\"pong\"}"));
  }

  private static byte[] ascii(int n) {
    byte[] bytes = new byte[n];
    Arrays.fill(bytes, (byte) 'x');
    return bytes;
  }

  /** Sends, ignoring a failure: the server may already have closed the connection. */
  private static void sendQuietly(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      log.debug("Send failed after the server closed", e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private String container() {
    return getClass().getSimpleName().replace("FrameLimitsIT", "");
  }

  @Test
  void aFrameDeclaringFourMebibytesIsRefusedWith1009WithinASecond() throws Exception {
    start();
    TestClient normal = normalClient();
    RawWebSocketClient client = raw();

    long sent = System.nanoTime();
    client.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, FOUR_MIB);
    sendQuietly(() -> client.sendPayload(ascii(64 * 1024)));
    int readFirst = textBytesReadBeforeRefusal();
    if (readFirst > 64 * 1024) {
      // This container reads the payload into its buffer until that overflows: still open.
      await()
          .during(Duration.ofMillis(300))
          .atMost(REFUSAL)
          .until(() -> client.closeFrame().isEmpty());
      sent = System.nanoTime();
      sendQuietly(() -> client.sendPayload(ascii(readFirst + 1 - 64 * 1024)));
    }
    assertRefusedTooBig(client, "4 MiB frame declared, 64 KiB sent", sent, normal);
  }

  @Test
  void aClientRefusedWith1009IsDisconnectedThoughItNeverAnswersTheClose() throws Exception {
    start();
    RawWebSocketClient client = raw();

    client.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, FOUR_MIB);
    sendQuietly(() -> client.sendPayload(ascii(textBytesReadBeforeRefusal() + 1)));
    assertThat(awaitCloseOrReport(client, REFUSAL).code()).isEqualTo(TOO_BIG);
    // The client goes on sending its frame and never sends a close frame of its own.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              sendQuietly(() -> client.sendPayload(ascii(4 * 1024)));
              return client.disconnected().isDone();
            });
  }

  @Test
  void aBinaryFrameOverItsLimitIsRefusedWith1009() throws Exception {
    start();
    RawWebSocketClient client = raw();

    client.sendFrameHeader(RawWebSocketClient.OPCODE_BINARY, true, 1L << 20);
    sendQuietly(() -> client.sendPayload(new byte[4 * 1024]));

    Close close = awaitCloseOrReport(client, REFUSAL);
    assertThat(close.code()).as("close code, reason '%s'", close.reason()).isEqualTo(TOO_BIG);
  }

  @Test
  void fortyStalledHugeFramesAreAllRefusedAndHoldNoServerMemory() throws Exception {
    start();
    TestClient normal = normalClient();
    assertAnswersPing(normal);
    long before = HeapReadings.usedAfterGc();

    List<RawWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < STALLED_CLIENTS; i++) {
      clients.add(raw());
    }
    long sent = System.nanoTime();
    for (RawWebSocketClient client : clients) {
      client.sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, FOUR_MIB);
      sendQuietly(() -> client.sendPayload(ascii(STALLED_BYTES)));
    }
    boolean allClosed;
    try {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> clients.stream().allMatch(c -> c.closeFrame().isPresent()));
      allClosed = true;
    } catch (ConditionTimeoutException e) {
      allClosed = false;
    }
    long slowest =
        clients.stream()
            .map(RawWebSocketClient::closeFrame)
            .flatMap(Optional::stream)
            .mapToLong(c -> (c.receivedAtNanos() - sent) / 1_000_000)
            .max()
            .orElse(-1);
    // Measured while the clients still hold their sockets open, stalled mid-frame.
    long grown = HeapReadings.usedAfterGc() - before;
    String codes =
        clients.stream()
            .map(c -> c.closeFrame().map(close -> String.valueOf(close.code())).orElse("open"))
            .collect(Collectors.groupingBy(code -> code, Collectors.counting()))
            .toString();
    log.info(
        "{}: {} stalled 4 MiB frames with 1 MiB sent: closes {}, last after {} ms, heap {} MB",
        container(),
        STALLED_CLIENTS,
        codes,
        slowest,
        grown / (1 << 20));

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(allClosed).as("all %d closed within 5 s; closes %s", STALLED_CLIENTS, codes);
    soft.assertThat(codes).as("close codes").isEqualTo("{" + TOO_BIG + "=" + STALLED_CLIENTS + "}");
    soft.assertThat(grown)
        .as("server heap growth in bytes with %d stalled clients", STALLED_CLIENTS)
        .isLessThan(HEAP_TOLERANCE);
    soft.assertAll();
    assertAnswersPing(normal);
  }

  @Test
  void aConnectionThatHasSentAMessageKeepsNoBufferSizedForTheLimit() throws Exception {
    start();
    // One client first, so that the container's pools and classes are not counted.
    RawWebSocketClient first = raw();
    first.sendText("{\"type\":\"ping\"}");
    first.awaitText(m -> m.equals("{\"type\":\"pong\"}"), WAIT);
    long before = HeapReadings.usedAfterGc();

    List<RawWebSocketClient> clients = new ArrayList<>();
    for (int i = 0; i < HELD_CLIENTS; i++) {
      RawWebSocketClient client = raw();
      client.sendText("{\"type\":\"ping\"}");
      clients.add(client);
    }
    for (RawWebSocketClient client : clients) {
      client.awaitText(m -> m.equals("{\"type\":\"pong\"}"), WAIT);
    }
    long perConnection = (HeapReadings.usedAfterGc() - before) / HELD_CLIENTS;
    log.info(
        "{}: {} open connections that each sent a ping hold {} bytes of heap each (server and"
            + " raw client)",
        container(),
        HELD_CLIENTS,
        perConnection);

    assertThat(perConnection)
        .as("heap bytes per connection after one small message")
        .isLessThan(HELD_BYTES_PER_CONNECTION);
    assertThat(clients).allSatisfy(client -> assertThat(client.closeFrame()).isEmpty());
  }

  @Test
  void aFragmentedMessageWhoseFramesSumPastTheLimitIsRefusedWith1009() throws Exception {
    start();
    TestClient normal = normalClient();
    RawWebSocketClient client = raw();
    // 21,846 three-byte characters: 64 KiB a frame, so four pass the limit in bytes and in chars.
    byte[] fragment = "€".repeat(21_846).getBytes(StandardCharsets.UTF_8);

    long sent = System.nanoTime();
    sendQuietly(
        () -> {
          client.sendFrame(RawWebSocketClient.OPCODE_TEXT, false, fragment);
          for (int i = 0; i < 2; i++) {
            client.sendFrame(RawWebSocketClient.OPCODE_CONTINUATION, false, fragment);
          }
          client.sendFrame(RawWebSocketClient.OPCODE_CONTINUATION, true, fragment);
        });

    assertRefusedTooBig(client, "4 fragments of 64 KiB (€)", sent, normal);
  }

  @Test
  void messagesUpToTheLimitAreStillAnswered() throws Exception {
    start();
    TestClient normal = normalClient();
    RawWebSocketClient client = raw();
    int max = ClientProtocol.DEFAULT_MAX_MESSAGE_CHARS;

    client.sendText(ping(max, 'x'));
    client.awaitText(m -> m.equals("{\"type\":\"pong\"}"), WAIT);
    // 65,536 characters of 3 bytes each: 192 KiB, within the limit counted in bytes.
    client.sendText(ping(max, '€'));
    await().atMost(WAIT).until(() -> pongs(client) == 2);
    // The same in three fragments.
    byte[] fragmented = ping(max, '€').getBytes(StandardCharsets.UTF_8);
    int third = fragmented.length / 3;
    client.sendFrame(
        RawWebSocketClient.OPCODE_TEXT, false, Arrays.copyOfRange(fragmented, 0, third));
    client.sendFrame(
        RawWebSocketClient.OPCODE_CONTINUATION,
        false,
        Arrays.copyOfRange(fragmented, third, 2 * third));
    client.sendFrame(
        RawWebSocketClient.OPCODE_CONTINUATION,
        true,
        Arrays.copyOfRange(fragmented, 2 * third, fragmented.length));
    await().atMost(WAIT).until(() -> pongs(client) == 3);
    // Over the protocol's limit but within the container's slack: an error reply, not a close.
    client.sendText(ping(LIMITS.textChars(), 'x'));
    client.awaitText(
        m -> m.contains("Message too large (" + LIMITS.textChars() + " characters"), WAIT);
    // Exactly the container's limit, then an empty last fragment: still within it.
    client.sendFrame(
        RawWebSocketClient.OPCODE_TEXT,
        false,
        ping(LIMITS.textChars(), 'y').getBytes(StandardCharsets.UTF_8));
    client.sendFrame(RawWebSocketClient.OPCODE_CONTINUATION, true, new byte[0]);
    await().atMost(WAIT).until(() -> tooLargeReplies(client) == 2);

    assertThat(client.closeFrame()).isEmpty();
    assertAnswersPing(normal);
  }

  private static long tooLargeReplies(RawWebSocketClient client) {
    return client.receivedTexts().stream()
        .filter(m -> m.contains("Message too large (" + LIMITS.textChars() + " characters"))
        .count();
  }

  private static long pongs(RawWebSocketClient client) {
    return client.receivedTexts().stream().filter(m -> m.equals("{\"type\":\"pong\"}")).count();
  }

  /** A JSON ping of exactly {@code chars} characters, padded with {@code pad}. */
  private static String ping(int chars, char pad) {
    String head = "{\"type\":\"ping\",\"pad\":\"";
    String tail = "\"}";
    return head + String.valueOf(pad).repeat(chars - head.length() - tail.length()) + tail;
  }

  /** The client is closed with 1009 in time, and the normal client is still answered. */
  private void assertRefusedTooBig(
      RawWebSocketClient client, String attack, long sentNanos, TestClient normal)
      throws Exception {
    Close close = awaitCloseOrReport(client, REFUSAL);
    log.info(
        "{}: {}: closed {} after {} ms",
        container(),
        attack,
        close,
        (close.receivedAtNanos() - sentNanos) / 1_000_000);
    assertThat(close.code()).as("close code, reason '%s'", close.reason()).isEqualTo(TOO_BIG);
    assertAnswersPing(normal);
  }

  private Close awaitCloseOrReport(RawWebSocketClient client, Duration timeout)
      throws InterruptedException {
    try {
      return client.awaitClose(timeout);
    } catch (TimeoutException e) {
      throw new AssertionError(
          container() + ": still open " + timeout.toMillis() + " ms after the frames were sent", e);
    }
  }
}
