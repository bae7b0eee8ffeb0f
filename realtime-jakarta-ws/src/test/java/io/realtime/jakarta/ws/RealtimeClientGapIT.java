package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.client.RealtimeClient;
import io.realtime.message.payload.SecurityEvent;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that skips seq 2 and 3 live and replays them on resync: the client delivers what comes
 * past the gap at once, then the replay, and nothing twice.
 */
class RealtimeClientGapIT {

  private static final List<String> RESYNC_REQUESTS = new CopyOnWriteArrayList<>();

  /** Sends seq 1 and 4; answers a resync with 2, 3 and 4 again, marked as replays. */
  @ServerEndpoint("/ws/events")
  public static final class GappyServer {
    @OnOpen
    public void open(Session session) throws IOException {
      session.getBasicRemote().sendText(event(1, false));
      session.getBasicRemote().sendText(event(4, false));
    }

    @OnMessage
    public void message(Session session, String text) throws IOException {
      if (!text.contains("\"resync\"")) {
        return;
      }
      RESYNC_REQUESTS.add(text);
      for (int seq = 2; seq <= 4; seq++) {
        session.getBasicRemote().sendText(event(seq, true));
      }
      session
          .getBasicRemote()
          .sendText(
              "{\"type\":\"resync_ack\",\"channel\":\"events\",\"last_sequence\":1,"
                  + "\"replayed_count\":3,\"epoch\":\"e1\",\"recovered\":true}");
    }

    static String event(int seq, boolean replay) {
      return "{\"type\":\"event\",\"data\":{\"id\":"
          + seq
          + ",\"event_id\":"
          + seq
          + ",\"batch_id\":\"b\",\"camera_id\":\"gate\",\"risk_score\":10,\"risk_level\":\"low\","
          + "\"summary\":\"e\",\"started_at\":null},\"seq\":"
          + seq
          + ",\"epoch\":\"e1\""
          + (replay ? ",\"replay\":true" : "")
          + "}";
    }
  }

  /** Like {@link GappyServer}, but refuses the first resync as over its limit. */
  @ServerEndpoint("/ws/events")
  public static final class RateLimitingServer {
    @OnOpen
    public void open(Session session) throws IOException {
      new GappyServer().open(session);
    }

    @OnMessage
    public void message(Session session, String text) throws IOException {
      if (text.contains("\"resync\"") && RESYNC_REQUESTS.isEmpty()) {
        RESYNC_REQUESTS.add(text);
        session
            .getBasicRemote()
            .sendText(
                "{\"type\":\"error\",\"error\":\"rate_limited\",\"message\":\"Too many resync"
                    + " requests\",\"details\":{\"request\":\"resync\",\"limit\":5,"
                    + "\"window_ms\":10000,\"retry_after_ms\":200}}");
        return;
      }
      new GappyServer().message(session, text);
    }
  }

  private Server server;
  private RealtimeClient client;

  @AfterEach
  void stop() {
    RESYNC_REQUESTS.clear();
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  /** Serves the endpoint, connects the client, and returns the event ids once 4 have arrived. */
  private List<Long> connectTo(Class<?> endpoint) throws Exception {
    server = new Server("127.0.0.1", -1, "/", Map.of(), Set.of(endpoint));
    server.start();
    List<Long> received = new CopyOnWriteArrayList<>();
    client =
        RealtimeClient.builder(URI.create("ws://127.0.0.1:" + server.getPort() + "/ws/events"))
            .container(ClientManager.createClient())
            .on("event", envelope -> received.add(envelope.dataAs(SecurityEvent.class).id()))
            .build()
            .connect();
    await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 4);
    return received;
  }

  @Test
  void aLiveGapIsDeliveredThenFilledByTheReplayWithoutDuplicates() throws Exception {
    List<Long> received = connectTo(GappyServer.class);
    // Nothing more arrives: no duplicate, no second resync.
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> received.size() == 4 && RESYNC_REQUESTS.size() == 1);

    assertThat(received).containsExactly(1L, 4L, 2L, 3L);
    assertThat(RESYNC_REQUESTS).hasSize(1);
    assertThat(RESYNC_REQUESTS.get(0)).contains("\"last_sequence\":1");
    assertThat(client.lastSeq()).isEqualTo(4);
  }

  @Test
  void aResyncTheServerRateLimitsIsAskedAgainWhenAllowed() throws Exception {
    List<Long> received = connectTo(RateLimitingServer.class);

    assertThat(received).containsExactly(1L, 4L, 2L, 3L);
    assertThat(RESYNC_REQUESTS).hasSize(2);
    assertThat(RESYNC_REQUESTS.get(1)).contains("\"last_sequence\":1");
    assertThat(client.lastSeq()).isEqualTo(4);
  }
}
