package io.realtime.test.hostile;

import static org.awaitility.Awaitility.await;

import io.realtime.protocol.ResyncLimit;
import io.realtime.test.RawWebSocketClient;
import io.realtime.test.hostile.RecordingSocket.Close;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The attacks of issue 13 that do not depend on how a server is deployed, each with the answer
 * docs/operations.md ("Limits and abuse") promises the attacker. An attack on a connection expects
 * the connection to stay: after its answer, it must still get a {@code pong}.
 */
public final class Attacks {

  /**
   * {@code "*"} 99 times and a {@code 0}: 100 characters, the longest pattern allowed. A
   * backtracking (regex) matcher takes exponential time to find that it does not match a type.
   */
  public static final String PATHOLOGICAL_PATTERN = "*".repeat(99) + "0";

  private static final Duration WAIT = RecordingSocket.WAIT;
  private static final String PING = "{\"type\":\"ping\"}";
  private static final String PONG = "{\"type\":\"pong\"}";
  private static final Predicate<String> SUBSCRIBED =
      m -> m.startsWith("{\"action\":\"subscribed\"");
  private static final Predicate<String> ERROR = m -> m.startsWith("{\"type\":\"error\"");
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
  private static final Predicate<String> RESYNC_ACK = m -> m.startsWith("{\"type\":\"resync_ack\"");

  private Attacks() {}

  /**
   * Returns a {@code subscribe} message.
   *
   * @param patterns the patterns
   * @return its JSON
   */
  public static String subscribe(List<String> patterns) {
    return patterns.stream()
        .map(p -> "\"" + p.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "{\"type\":\"subscribe\",\"data\":{\"events\":[", "]}}"));
  }

  /**
   * Subscribes to {@link #PATHOLOGICAL_PATTERN}. Answer: it is subscribed (it matches nothing), and
   * the connection stays.
   *
   * @param attacker the attacker's connection, to either endpoint
   * @return the attack
   */
  public static Attack pathologicalPattern(RecordingSocket attacker) {
    return Attack.of(
        "pathological pattern on " + attacker.uri().getPath(),
        () -> attacker.send(subscribe(List.of(PATHOLOGICAL_PATTERN))),
        () -> {
          attacker.awaitMessage(
              m ->
                  m.equals(
                      "{\"action\":\"subscribed\",\"events\":[\"" + PATHOLOGICAL_PATTERN + "\"]}"),
              WAIT);
          assertStays(attacker);
        });
  }

  /**
   * Subscribes to 64 patterns, then sends {@code floods} subscribes of 5,000 patterns each (about
   * 50 KB, under the message size limit), then one more pattern. Answer: the 64 are subscribed,
   * each flood gets a {@code validation_error} naming {@code max_patterns_per_request}, the last
   * one naming {@code max_patterns}; the connection stays.
   *
   * @param attacker the attacker's connection to the events endpoint
   * @param floods how many subscribes of 5,000 patterns
   * @return the attack
   */
  public static Attack patternFlood(RecordingSocket attacker, int floods) {
    String thousands = subscribe(patterns("*a*b*", 5_000));
    return Attack.of(
        "pattern flood on " + attacker.uri().getPath(),
        () -> {
          attacker.send(subscribe(patterns("*x*y*", 64)));
          for (int i = 0; i < floods; i++) {
            attacker.send(thousands);
          }
          attacker.send(subscribe(List.of("one.more")));
        },
        () -> {
          attacker.awaitMessage(
              m -> m.contains("\"error\":\"validation_error\"") && m.contains("(max_patterns)"),
              WAIT);
          assertCount(attacker, "subscribed", SUBSCRIBED, 1);
          assertCount(
              attacker,
              "max_patterns_per_request errors",
              m ->
                  m.contains("\"error\":\"validation_error\"")
                      && m.contains("(max_patterns_per_request)"),
              floods);
          assertStays(attacker);
        });
  }

  private static List<String> patterns(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
  }

  /**
   * Sends {@code requests} resyncs asking for the last {@code replayed} events: from {@code
   * replayed} before the newest offset the attacker has seen (from 0 when that is less). Answer: at
   * most {@link ResyncLimit#defaults()}'s five replays ({@code resync_ack}s), every other request
   * coalesced or refused with a {@code rate_limited} error naming {@code resync_limit}; the
   * connection stays.
   *
   * <p>A replay is kept below the connection's outbound bound (1,000 messages by default): a replay
   * larger than that closes the connection with 1013 {@code slow consumer}, which is not what this
   * attack is about.
   *
   * @param attacker the attacker's connection to the events endpoint
   * @param requests how many resyncs
   * @param replayed how many events each asks for, at most
   * @return the attack
   */
  public static Attack resyncFlood(RecordingSocket attacker, int requests, int replayed) {
    return Attack.of(
        "resync flood on " + attacker.uri().getPath(),
        () -> {
          long newest =
              attacker.texts().stream()
                  .map(SEQ::matcher)
                  .filter(Matcher::find)
                  .mapToLong(m -> Long.parseLong(m.group(1)))
                  .max()
                  .orElse(0);
          String resync =
              "{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":"
                  + Math.max(0, newest - replayed)
                  + "}}";
          for (int i = 0; i < requests; i++) {
            attacker.send(resync);
          }
        },
        () -> {
          attacker.awaitCount(RESYNC_ACK, 1, WAIT);
          long[] previous = {-1};
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(100))
              .during(Duration.ofMillis(500))
              .until(
                  () -> {
                    long now = attacker.count(RESYNC_ACK);
                    boolean unchanged = now == previous[0];
                    previous[0] = now;
                    return unchanged;
                  });
          long acks = attacker.count(RESYNC_ACK);
          if (acks > ResyncLimit.defaults().maxRequests()) {
            throw new AssertionError(
                requests + " resyncs were answered by " + acks + " replays, more than the limit");
          }
          List<String> otherErrors =
              attacker.texts().stream()
                  .filter(ERROR)
                  .filter(
                      m ->
                          !m.contains("\"error\":\"rate_limited\"")
                              || !m.contains("(resync_limit)"))
                  .toList();
          if (!otherErrors.isEmpty()) {
            throw new AssertionError(
                "errors other than rate_limited (resync_limit): " + otherErrors);
          }
          assertStays(attacker);
        });
  }

  /**
   * Opens {@code handshakes} connections from {@code http://evil.example}, round robin over the
   * endpoints. Answer: each is closed with 1008 {@code Origin not allowed} and is sent nothing.
   *
   * @param endpoints the endpoint URIs (with credentials, if the server wants them)
   * @param handshakes how many
   * @return the attack
   */
  public static Attack foreignOrigin(List<URI> endpoints, int handshakes) {
    List<RecordingSocket> sockets = new ArrayList<>();
    return Attack.of(
        "foreign origin",
        () -> {
          for (int i = 0; i < handshakes; i++) {
            sockets.add(
                RecordingSocket.connect(
                    endpoints.get(i % endpoints.size()), Map.of("Origin", "http://evil.example")));
          }
        },
        () -> {
          for (RecordingSocket socket : sockets) {
            Close close = socket.awaitClose(WAIT);
            if (!close.equals(new Close(1008, "Origin not allowed")) || !socket.texts().isEmpty()) {
              throw new AssertionError(
                  "a foreign origin got " + close + " after receiving " + socket.texts());
            }
          }
        });
  }

  /**
   * Declares a 4 MiB text frame and sends {@code payloadBytes} of it, then stalls. Answer: the
   * server closes with 1009 within a second of the last byte sent, having waited for no more.
   *
   * @param client how to connect the raw client (path, credentials, headers)
   * @param payloadBytes how much of the frame to send: past what the container reads before it
   *     refuses (nothing for a container that refuses at the frame header; Jetty reads up to the
   *     message limit in bytes)
   * @return the attack
   */
  public static Attack oversizedFrame(RawWebSocketClient.Builder client, int payloadBytes) {
    RawWebSocketClient[] raw = new RawWebSocketClient[1];
    long[] sentAt = new long[1];
    return Attack.of(
        "oversized frame",
        () -> {
          try {
            raw[0] = client.connect();
          } catch (IOException e) {
            throw new AssertionError("the raw client could not connect", e);
          }
          if (!raw[0].upgraded()) {
            throw new AssertionError("no upgrade: " + raw[0].handshakeStatus());
          }
          try {
            raw[0].sendFrameHeader(RawWebSocketClient.OPCODE_TEXT, true, 4L << 20);
            byte[] payload = new byte[payloadBytes];
            Arrays.fill(payload, (byte) 'x');
            raw[0].sendPayload(payload);
          } catch (IOException e) {
            // the server closed before everything was written: the answer says how
          } finally {
            sentAt[0] = System.nanoTime();
          }
        },
        () -> {
          try (RawWebSocketClient attacker = raw[0]) {
            RawWebSocketClient.Close close = attacker.awaitClose(WAIT);
            long millis = (close.receivedAtNanos() - sentAt[0]) / 1_000_000;
            if (close.code() != 1009 || millis > 1_000) {
              throw new AssertionError(
                  "a 4 MiB frame got " + close + " " + millis + " ms after its last byte");
            }
          } catch (TimeoutException e) {
            throw new AssertionError(
                "a 4 MiB frame of which " + payloadBytes + " bytes were sent is still open", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
          }
        });
  }

  /**
   * Sends {@code messages} messages whose {@code type} is blank. Answer: an {@code
   * invalid_message_format} error each; the connection stays (no 1011).
   *
   * @param attacker the attacker's connection
   * @param messages how many
   * @return the attack
   */
  public static Attack blankTypes(RecordingSocket attacker, int messages) {
    return Attack.of(
        "blank type on " + attacker.uri().getPath(),
        () -> {
          for (int i = 0; i < messages; i++) {
            attacker.send("{\"type\":\"   \"}");
          }
        },
        () -> {
          attacker.awaitCount(
              m -> m.contains("\"error\":\"invalid_message_format\""), messages, WAIT);
          assertStays(attacker);
        });
  }

  /**
   * Subscribes {@code messages} times to patterns a regex engine would choke on ({@code [z-a]},
   * {@code [}, a lone backslash...). Answer: each is answered, {@code [z-a]} is subscribed (it
   * matches nothing), and no answer shows matcher internals; the connection stays.
   *
   * @param attacker the attacker's connection to the events endpoint
   * @param messages how many subscribes
   * @return the attack
   */
  public static Attack reversedRanges(RecordingSocket attacker, int messages) {
    List<String> patterns = List.of("[z-a]", "[z-a]*", "[", "a[b", "[!]", "\\", "(?", "a{2,1}");
    Predicate<String> answer = SUBSCRIBED.or(ERROR);
    return Attack.of(
        "reversed range on " + attacker.uri().getPath(),
        () -> {
          for (int i = 0; i < messages; i++) {
            attacker.send(subscribe(List.of(patterns.get(i % patterns.size()))));
          }
        },
        () -> {
          attacker.awaitCount(answer, messages, WAIT);
          List<String> leaks =
              attacker.texts().stream()
                  .filter(answer)
                  .filter(
                      m ->
                          m.toLowerCase(Locale.ROOT).contains("regex")
                              || m.contains("Pattern")
                              || m.contains("java.")
                              || m.contains("Exception")
                              || m.contains("near index"))
                  .toList();
          if (!leaks.isEmpty()) {
            throw new AssertionError("answers show matcher internals: " + leaks);
          }
          attacker.awaitMessage(
              m -> m.equals("{\"action\":\"subscribed\",\"events\":[\"[z-a]\"]}"), WAIT);
          assertStays(attacker);
        });
  }

  /**
   * Connects again and again, closing each admitted connection before the next, until one is
   * refused; then {@code refusals - 1} more. Answer: between {@code minAdmitted} and {@code
   * maxAdmitted} were admitted, and every refusal is {@code refusal}.
   *
   * @param connect opens one connection to an endpoint that sends something at once (the system
   *     endpoint)
   * @param minAdmitted the fewest admissions expected (failed logins must not have used budget)
   * @param maxAdmitted the most admissions expected (the limit must not be bypassed)
   * @param refusals how many refusals to collect
   * @param refusal the expected close
   * @return the attack
   */
  public static Attack connectionRate(
      Supplier<RecordingSocket> connect,
      int minAdmitted,
      int maxAdmitted,
      int refusals,
      Close refusal) {
    int[] admitted = {0};
    List<Close> refused = new ArrayList<>();
    return Attack.of(
        "connection rate",
        () -> {
          while (refused.size() < refusals && admitted[0] <= maxAdmitted) {
            RecordingSocket socket = connect.get();
            Optional<Close> verdict = socket.awaitAdmission(WAIT);
            if (verdict.isPresent()) {
              refused.add(verdict.get());
            } else {
              admitted[0]++;
              socket.close();
              socket.awaitClose(WAIT);
            }
          }
        },
        () -> {
          if (admitted[0] < minAdmitted || admitted[0] > maxAdmitted) {
            throw new AssertionError(
                admitted[0]
                    + " connections were admitted, expected "
                    + minAdmitted
                    + " to "
                    + maxAdmitted
                    + "; refusals: "
                    + refused);
          }
          if (!refused.stream().allMatch(refusal::equals)) {
            throw new AssertionError(
                "expected every refusal to be " + refusal + ", got " + refused);
          }
        });
  }

  /**
   * Asserts that a connection is open and answers a ping.
   *
   * @param attacker the connection
   * @throws AssertionError if it was closed or does not answer
   */
  public static void assertStays(RecordingSocket attacker) {
    int from = attacker.count();
    if (!attacker.isOpen()) {
      throw new AssertionError("the attacker was closed: " + attacker.closed().getNow(null));
    }
    attacker.send(PING);
    attacker.awaitMessage(from, PONG::equals, WAIT);
  }

  private static void assertCount(
      RecordingSocket socket, String what, Predicate<String> match, long expected) {
    long count = socket.count(match);
    if (count != expected) {
      throw new AssertionError("expected " + expected + " " + what + ", got " + count);
    }
  }
}
