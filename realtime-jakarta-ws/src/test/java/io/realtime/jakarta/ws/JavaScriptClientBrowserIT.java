package io.realtime.jakarta.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.realtime.connection.RegisteredConnection;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The served {@code /realtime/realtime-client.js} in Debian's headless Chromium (driven by Debian's
 * chromedriver; both installed by {@code .ci/run}, a missing one fails the test): a page subscribes
 * to one event type, the server stops and starts again on the same port, and after the reconnect
 * the page gets only that type, the replay of what it missed included, because its subscribe frame
 * went out before its resync.
 */
class JavaScriptClientBrowserIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Runs in the page: a client whose socket records every frame it sends, per socket. */
  private static final String START_CLIENT =
      """
      const [url, apiKey, done] = arguments;
      import("/realtime/realtime-client.js").then(({ RealtimeClient }) => {
        window.sockets = [];
        window.received = [];
        class RecordingSocket extends WebSocket {
          constructor(address, protocols) {
            super(address, protocols);
            this.frames = [];
            window.sockets.push(this);
          }
          send(text) {
            this.frames.push(JSON.parse(text).type);
            super.send(text);
          }
        }
        const client = new RealtimeClient(url, {
          apiKey, WebSocket: RecordingSocket, backoffBaseMs: 100, backoffCapMs: 400 });
        client.on("*", (data, envelope) => {
          if (typeof envelope.seq === "number") window.received.push(envelope.type + " " + data.n);
        });
        client.connect();
        window.subscribedBeforeOpen = client.subscribe(["alert.*"]);
        window.client = client;
        done(true);
      }, (error) => done(String(error)));
      """;

  private JavaScriptTestServer server;
  private ChromeDriver browser;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void afterAServerRestartThePageStillReceivesOnlyTheTypeItSubscribedTo() throws Exception {
    server = new JavaScriptTestServer();
    browser = chromium();
    browser.get(server.url("http", "/page.html"));
    Object started =
        browser.executeAsyncScript(
            START_CLIENT, server.url("ws", "/ws/events"), JavaScriptTestServer.API_KEY);
    assertThat(started).isEqualTo(true);
    assertThat(script("return window.subscribedBeforeOpen")).isEqualTo(false);
    awaitSubscribedConnection();

    server.publish("camera.offline", Map.of("n", 1));
    server.publish("alert.intrusion", Map.of("n", 2));
    await().atMost(WAIT).until(() -> received().contains("alert.intrusion 2"));

    server.stop();
    await().atMost(WAIT).until(() -> !"open".equals(script("return window.client.state")));
    // Published while the page is away: the resync after the reconnect replays it.
    server.publish("camera.offline", Map.of("n", 3));
    server.publish("alert.motion", Map.of("n", 4));
    server.start();
    awaitSubscribedConnection();
    await().atMost(WAIT).until(() -> received().contains("alert.motion 4"));
    server.publish("camera.offline", Map.of("n", 5));
    server.publish("alert.intrusion", Map.of("n", 6));
    await().atMost(WAIT).until(() -> received().contains("alert.intrusion 6"));

    assertThat(received())
        .containsExactly("alert.intrusion 2", "alert.motion 4", "alert.intrusion 6");
    @SuppressWarnings("unchecked")
    List<String> framesAfterRestart =
        (List<String>) script("return window.sockets[window.sockets.length - 1].frames");
    assertThat(framesAfterRestart).startsWith("subscribe", "resync");

    // The other type is delivered once the page no longer filters: the filter did the work.
    script("window.client.unsubscribe()");
    await()
        .atMost(WAIT)
        .until(
            () ->
                server.registry.connections("events").stream()
                    .noneMatch(c -> c.subscriptions().isExplicit()));
    server.publish("camera.offline", Map.of("n", 7));
    await().atMost(WAIT).until(() -> received().contains("camera.offline 7"));
  }

  private void awaitSubscribedConnection() {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<RegisteredConnection> connections =
                  List.copyOf(server.registry.connections("events"));
              return connections.size() == 1
                  && connections.get(0).subscriptions().patterns().equals(List.of("alert.*"))
                  && "open".equals(script("return window.client.state"));
            });
  }

  @SuppressWarnings("unchecked")
  private List<String> received() {
    return (List<String>) script("return window.received");
  }

  private Object script(String source) {
    return browser.executeScript(source);
  }

  private static ChromeDriver chromium() throws Exception {
    File chromium = new File("/usr/bin/chromium");
    File driver = new File("/usr/bin/chromedriver");
    for (File required : List.of(chromium, driver)) {
      if (!required.canExecute()) {
        throw new IllegalStateException(
            required + " is missing: install Debian's chromium and chromium-driver (.ci/run does)");
      }
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--user-data-dir=" + Files.createTempDirectory("realtime-js-chromium-"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver)
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(30))
            .build();
    return new ChromeDriver(service, options);
  }
}
