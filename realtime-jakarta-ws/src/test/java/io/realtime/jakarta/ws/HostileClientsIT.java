package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.broadcast.SystemBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.PerformanceUpdate.HostStats;
import io.realtime.metrics.MetricSources;
import io.realtime.test.RawWebSocketClient;
import io.realtime.test.hostile.Attack;
import io.realtime.test.hostile.Attacks;
import io.realtime.test.hostile.Bystanders;
import io.realtime.test.hostile.EventPacer;
import io.realtime.test.hostile.Figures;
import io.realtime.test.hostile.RecordingSocket;
import io.realtime.test.hostile.RecordingSocket.Close;
import io.realtime.test.hostile.VictimProbe;
import io.realtime.test.hostile.VictimProbe.SampleSizes;
import io.realtime.time.TimeSource;
import io.realtime.transport.InMemoryTransport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients against the endpoints on Jetty (issue 13): each attack runs while a {@link
 * VictimProbe} measures its event latency, {@code system_status} cadence and ping round trip. The
 * victim's figures during the attack must stay within {@code max(1.5 × baseline, baseline + 25 ms)}
 * for medians and {@code max(1.5 × baseline, baseline + 50 ms)} for 90th percentiles, the baseline
 * being measured in the same test just before the attack (see {@link Figures}); the floors of 25
 * and 50 ms absorb the scheduling jitter of small CI machines (two shared cores) on baselines of a
 * millisecond or so. A window that does not collect its samples within {@link #WINDOW_LIMIT} fails:
 * that is what a starved victim looks like. Bystanders on both endpoints must stay open and keep
 * receiving, and the attacker must get the documented answer (docs/operations.md, "Limits and
 * abuse").
 *
 * <p>The server is small so that attacks are quick: {@code system_status} every 100 ms, events
 * every 20 ms, an API key, the local address as the trusted proxy (clients name themselves with
 * {@code X-Forwarded-For}, as behind a proxy), 12 connections per minute per address, 5 open per
 * address and 40 in all.
 */
class HostileClientsIT {

  private static final String KEY = "k-hostile";
  private static final String VICTIM_ADDRESS = "198.51.100.7";
  private static final String ATTACKER_ADDRESS = "203.0.113.66";
  private static final int RATE_LIMIT = 12;
  private static final int PER_ADDRESS = 5;
  private static final int MAX_CONNECTIONS = 40;
  private static final SampleSizes SIZES = new SampleSizes(40, 10, 30);
  private static final Duration WINDOW_LIMIT = Duration.ofSeconds(6);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemoryBackbone backbone = new InMemoryBackbone();
  private final List<AutoCloseable> closeables = backbone.closeables;
  private final InMemoryTransport transport = backbone.transport;
  private final ConnectionRegistry registry = backbone.registry;
  private EventBroadcaster events;
  private VictimProbe victim;
  private Bystanders bystanders;
  private int port;
  private MessageLimits messageLimits;

  @BeforeEach
  void start() throws Exception {
    // A full history (1,000 events, the default) for resyncs to read; the broadcaster starts at
    // its end, so nobody gets these live.
    MessageCodec codec = MessageCodec.json();
    for (int i = 1; i <= 1_000; i++) {
      transport
          .append(EventBroadcaster.DEFAULT_TRANSPORT_CHANNEL, codec.encode(EventPacer.event(-i)))
          .toCompletableFuture()
          .join();
    }
    events = EventBroadcaster.builder(transport, registry).build();
    events.start();
    closeables.add(events);
    SystemBroadcaster system =
        SystemBroadcaster.builder(
                transport,
                registry,
                MetricSources.builder().host(() -> new HostStats(1.0, 2.0, 4.0, 8.0, 16.0)).build())
            .interval(Duration.ofMillis(100))
            .build();
    system.start();
    closeables.add(system);
    RealtimeWebSocket websocket =
        RealtimeWebSocket.builder(registry)
            .events(events)
            .system(system)
            .apiKeys(List.of(KEY))
            .trustedProxies(List.of("127.0.0.1"))
            .rateLimiter(
                new SlidingWindowRateLimiter(
                    RATE_LIMIT, 0, Duration.ofMinutes(1), TimeSource.system()))
            .maxConnectionsPerAddress(PER_ADDRESS)
            .maxConnections(MAX_CONNECTIONS)
            .build();
    closeables.add(websocket);
    JettyServer server = new JettyServer();
    closeables.add(server);
    port = server.start(websocket);
    messageLimits = websocket.messageLimits();
    EventPacer pacer = EventPacer.start(Duration.ofMillis(20), events::publish);
    closeables.add(pacer);
    victim =
        VictimProbe.connect(
            uri("/ws/events"), uri("/ws/system"), Map.of("X-Forwarded-For", VICTIM_ADDRESS));
    closeables.add(victim);
    // From the proxy itself (no X-Forwarded-For): 4 of the local address's 5.
    bystanders =
        Bystanders.connect(
            List.of(uri("/ws/events"), uri("/ws/events"), uri("/ws/system"), uri("/ws/system")),
            Map.of());
    closeables.add(bystanders);
    await().atMost(WAIT).until(() -> registry.count() == 6);
  }

  @AfterEach
  void stop() throws Exception {
    backbone.close();
  }

  private URI uri(String path) {
    return URI.create("ws://127.0.0.1:" + port + path + "?api_key=" + KEY);
  }

  /** A connection from {@code address}, as the trusted proxy (this host) forwards it. */
  private RecordingSocket attacker(String path, String address) {
    return attacker(uri(path), Map.of("X-Forwarded-For", address));
  }

  private RecordingSocket attacker(URI uri, Map<String, String> headers) {
    RecordingSocket socket = RecordingSocket.connect(uri, headers);
    closeables.add(socket);
    return socket;
  }

  private void assertUndisturbedBy(Attack attack) {
    victim.assertUndisturbedBy(attack, SIZES, WINDOW_LIMIT, bystanders);
  }

  @Test
  void aPathologicalPatternOnTheSystemEndpoint() {
    assertUndisturbedBy(Attacks.pathologicalPattern(attacker("/ws/system", ATTACKER_ADDRESS)));
  }

  @Test
  void aPathologicalPatternOnTheEventsEndpoint() {
    assertUndisturbedBy(Attacks.pathologicalPattern(attacker("/ws/events", ATTACKER_ADDRESS)));
  }

  @Test
  void aFloodOfPatternsIsRefusedAndTheConnectionStays() {
    assertUndisturbedBy(Attacks.patternFlood(attacker("/ws/events", ATTACKER_ADDRESS), 50));
  }

  @Test
  void aFloodOfResyncsCostsAtMostFiveReplays() {
    assertUndisturbedBy(Attacks.resyncFlood(attacker("/ws/events", ATTACKER_ADDRESS), 1_000, 600));
  }

  @Test
  void aForeignOriginIsRefusedAtTheHandshake() {
    assertUndisturbedBy(Attacks.foreignOrigin(List.of(uri("/ws/events"), uri("/ws/system")), 20));
  }

  @Test
  void anOversizedFrameIsClosedWith1009WithinASecond() {
    assertUndisturbedBy(
        Attacks.oversizedFrame(
            RawWebSocketClient.builder("127.0.0.1", port)
                .path("/ws/events?api_key=" + KEY)
                .forwardedFor(ATTACKER_ADDRESS),
            // Jetty reads a message up to its limit in bytes, then refuses it.
            messageLimits.textBytes() + 1));
  }

  @Test
  void aBlankTypeGetsAnErrorReplyAndTheConnectionStays() {
    assertUndisturbedBy(Attacks.blankTypes(attacker("/ws/events", ATTACKER_ADDRESS), 500));
  }

  @Test
  void aReversedRangeLeaksNoMatcherInternals() {
    assertUndisturbedBy(Attacks.reversedRanges(attacker("/ws/events", ATTACKER_ADDRESS), 100));
  }

  @Test
  void aSpoofedForwardedForNeitherBypassesTheRateLimitNorLocksOutItsVictim() {
    int[] attempt = {0};
    // The spoofed entry is what the client wrote; the proxy appended the attacker's real address.
    Supplier<RecordingSocket> spoofing =
        () -> {
          String spoofed = attempt[0]++ % 2 == 0 ? VICTIM_ADDRESS : "10.0.0." + attempt[0];
          return attacker(
              uri("/ws/system"), Map.of("X-Forwarded-For", spoofed + ", " + ATTACKER_ADDRESS));
        };

    assertUndisturbedBy(
        Attacks.connectionRate(
            spoofing, RATE_LIMIT, RATE_LIMIT, 4, new Close(1013, "Too many connections")));

    assertThat(attacker("/ws/system", VICTIM_ADDRESS).awaitAdmission(WAIT))
        .as("the victim's address is not locked out")
        .isEmpty();
  }

  @Test
  void failedLoginsUseNoBudgetAndTheRateLimitClosesWith1013() {
    Map<String, String> from = Map.of("X-Forwarded-For", ATTACKER_ADDRESS);
    URI wrongKey = URI.create("ws://127.0.0.1:" + port + "/ws/system?api_key=guess");
    for (int i = 0; i < 20; i++) {
      assertThat(attacker(wrongKey, from).awaitAdmission(WAIT))
          .contains(new Close(1008, "Invalid API key"));
    }

    assertUndisturbedBy(
        Attacks.connectionRate(
            () -> attacker("/ws/system", ATTACKER_ADDRESS),
            RATE_LIMIT,
            RATE_LIMIT,
            3,
            new Close(1013, "Too many connections")));
  }

  @Test
  void connectionsPastThePerAddressCapAreClosedWith1013() {
    List<RecordingSocket> held = new ArrayList<>();
    List<Optional<Close>> verdicts = new ArrayList<>();

    assertUndisturbedBy(
        Attack.of(
            "per-address cap",
            () -> {
              for (int i = 0; i < PER_ADDRESS + 3; i++) {
                RecordingSocket socket = attacker("/ws/system", ATTACKER_ADDRESS);
                held.add(socket);
                verdicts.add(socket.awaitAdmission(WAIT));
              }
            },
            () -> {
              Optional<Close> refused =
                  Optional.of(new Close(1013, "Too many connections from this address"));
              assertThat(verdicts.subList(0, PER_ADDRESS)).containsOnly(Optional.empty());
              assertThat(verdicts.subList(PER_ADDRESS, verdicts.size())).containsOnly(refused);
              assertThat(held.subList(0, PER_ADDRESS)).allMatch(RecordingSocket::isOpen);
            }));
  }

  @Test
  void connectionsPastTheGlobalCapAreClosedWith1013() {
    int room = MAX_CONNECTIONS - registry.count();
    List<RecordingSocket> held = new ArrayList<>();
    List<Optional<Close>> verdicts = new ArrayList<>();

    assertUndisturbedBy(
        Attack.of(
            "global cap",
            () -> {
              for (int i = 0; i < room + 3; i++) {
                RecordingSocket socket = attacker("/ws/system", "203.0.113." + (i / PER_ADDRESS));
                held.add(socket);
                verdicts.add(socket.awaitAdmission(WAIT));
              }
            },
            () -> {
              assertThat(verdicts.subList(0, room)).containsOnly(Optional.empty());
              assertThat(verdicts.subList(room, verdicts.size()))
                  .containsOnly(Optional.of(new Close(1013, "Server at connection limit")));
            }));

    held.forEach(RecordingSocket::close);
    await().atMost(WAIT).until(() -> registry.count() == 6);
    assertThat(attacker("/ws/system", VICTIM_ADDRESS).awaitAdmission(WAIT))
        .as("a closed connection gives its place back")
        .isEmpty();
  }
}
