package io.realtime.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.realtime.broadcast.EventBroadcaster;
import io.realtime.connection.ConnectionRegistry;
import io.realtime.message.OriginFrame;
import io.realtime.redis.RedisServer;
import io.realtime.redis.RedisTransport;
import io.realtime.redis.RedisTransportConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import redis.clients.jedis.Jedis;

/**
 * The dashboard in a real headless Chromium, served by the shaded launcher jar on a private Redis
 * (which the tests kill) and the machine's PostgreSQL. The tests share one page and run in order:
 * each leaves the page connected for the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
  private static final String GPU_NODE = "gpu-node";
  private static final String WEB_NODE = "web-node";
  private static final String API_KEY = "sk-dashboard-review-key-0123456789";
  private static final String HISTORY = "/api/performance/history";
  private static final Pattern RELATIVE_TIME = Pattern.compile("just now|\\d+ s ago|\\d+ min ago");

  private final LauncherProcesses launchers = new LauncherProcesses();
  private final AtomicLong eventIds = new AtomicLong(900_000);
  private RedisServer redis;
  private int port;
  private Process launcher;
  private ChromeDriver browser;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServer.start();
    port = LauncherProcesses.freePort();
    launcher = startLauncher();
    browser = HeadlessChromium.start();
    // Runs before the page's own scripts (DevTools is not bound by the page's policy) and keeps
    // every Content-Security-Policy violation the page reports.
    browser.executeCdpCommand(
        "Page.addScriptToEvaluateOnNewDocument",
        Map.of(
            "source",
            "window.__cspViolations = [];"
                + "document.addEventListener('securitypolicyviolation', (e) =>"
                + " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              browser.get("http://127.0.0.1:" + port + "/?api_key=" + API_KEY);
              return true;
            });
  }

  private Process startLauncher() throws IOException {
    return launchers.launch(
        Map.of("REALTIME_API_KEY", API_KEY),
        "--port",
        Integer.toString(port),
        "--redis",
        "redis://127.0.0.1:" + redis.port(),
        "--status-interval",
        "500ms",
        "--breaker-recovery",
        "2s",
        "--postgres",
        POSTGRES,
        "--instance-id",
        GPU_NODE);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    launchers.close();
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  @Order(1)
  void thePageLoadsAndConnects() {
    assertThat(browser.getTitle()).isEqualTo("realtime dashboard");
    awaitConnected(Duration.ofSeconds(20));
    assertThat(browser.findElement(By.id("degraded-banner")).isDisplayed()).isFalse();
    assertThat(cspViolations())
        .as("the launcher's Content-Security-Policy lets the page be")
        .isEmpty();
  }

  @Test
  @Order(2)
  void anEventPublishedToRedisAppearsInTheFeedWithinTwoSeconds() {
    awaitConnected(Duration.ofSeconds(20));
    long id = eventIds.incrementAndGet();
    String event =
        TestEvents.rawEvent(id, "side_gate", 91, "critical", "Published straight to Redis", null);
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      assertThat(jedis.publish("security_events", event)).isPositive();
    }

    await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !feedItems("[data-event-id='" + id + "']").isEmpty());
    WebElement item = feedItems("[data-event-id='" + id + "']").get(0);
    assertThat(item.getAttribute("class")).isEqualTo("risk-critical");
    assertThat(item.getText()).contains("91", "side_gate", "Published straight to Redis");
  }

  @Test
  @Order(3)
  void theStatusPanelsUpdate() throws Exception {
    for (String panel : List.of("gpu", "host", "postgres", "redis")) {
      int before = updates(panel);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(updates(panel)).isGreaterThan(before + 1));
      WebElement element = browser.findElement(By.id("panel-" + panel));
      assertThat(element.getAttribute("data-status")).as(panel).isNotEqualTo("absent");
      assertThat(element.findElement(By.cssSelector("polyline")).getAttribute("points"))
          .as(panel + " sparkline")
          .isNotBlank();
    }
    assertThat(browser.findElement(By.id("panel-postgres")).getAttribute("data-status"))
        .isEqualTo("healthy");
    assertThat(browser.findElement(By.id("panel-redis")).getText()).contains("clients");
    assertThat(browser.findElements(By.cssSelector("#services li"))).isNotEmpty();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> !browser.findElement(By.id("risk-gauge-score")).getText().equals("–"));
  }

  @Test
  @Order(5)
  void everySectionOfTheUpdatesHasItsPanel() {
    for (String panel : List.of("inference", "models", "containers", "queues", "cameras")) {
      int before = updates(panel);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(updates(panel)).as(panel).isGreaterThan(before));
    }
    WebElement inference = browser.findElement(By.id("panel-inference"));
    assertThat(inference.getAttribute("data-status")).isNotEqualTo("absent");
    assertThat(inference.getText()).contains("p95", "p99", "yolo26", "pipeline", "images / min");
    assertThat(browser.findElement(By.id("panel-models")).getText()).contains("yolo26", "cuda:0");
    assertThat(browser.findElement(By.id("panel-queues")).getText())
        .contains("detection", "analysis", "DLQ");
    assertThat(browser.findElement(By.id("panel-cameras")).getText())
        .containsPattern("\\d+ / \\d+");

    long id = eventIds.incrementAndGet();
    String startedAt = Instant.now().minusSeconds(30).toString();
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      jedis.publish(
          "security_events", TestEvents.rawEvent(id, "front_door", 55, "high", "Timed", startedAt));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !feedItems("[data-event-id='" + id + "']").isEmpty());
    WebElement item = feedItems("[data-event-id='" + id + "']").get(0);
    WebElement time = item.findElement(By.cssSelector("time"));
    assertThat(time.getAttribute("datetime")).isEqualTo(startedAt);
    assertThat(time.getAttribute("title")).as("the exact time on hover").isEqualTo(startedAt);
    assertThat(time.getText()).matches(RELATIVE_TIME).endsWith("s ago");
    assertThat(item.findElement(By.cssSelector(".level")).getText()).isEqualToIgnoringCase("high");
  }

  @Test
  @Order(6)
  void theHistoryIsServedAsJsonAndAnyOtherRangeIsRefused() throws Exception {
    LauncherHttp.Response fifteen =
        LauncherHttp.get(port, HISTORY + "?range=15m&api_key=" + API_KEY);
    assertThat(fifteen.status()).isEqualTo(200);
    assertThat(fifteen.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(fifteen.header("Content-Security-Policy")).isNotNull();
    JsonNode body = new ObjectMapper().readTree(fifteen.body());
    assertThat(body.get("type").asText()).isEqualTo("performance_history");
    assertThat(body.get("data").get("range").asText()).isEqualTo("15m");
    assertThat(body.get("data").get("points")).isNotEmpty();
    assertThat(body.get("data").get("points").get(0).has("gpu")).isTrue();
    assertThat(LauncherHttp.get(port, HISTORY + "?api_key=" + API_KEY).body())
        .contains("\"range\":\"5m\"");
    assertThat(LauncherHttp.request(port, "GET", HISTORY, Map.of("X-API-Key", API_KEY)).status())
        .as("the key in X-API-Key")
        .isEqualTo(200);

    LauncherHttp.Response bad = LauncherHttp.get(port, HISTORY + "?range=2h&api_key=" + API_KEY);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("validation_error", "'2h'");
  }

  @Test
  @Order(6)
  void theHistoryNeedsTheApiKeyLikeTheWebSocketsAndNeverEchoesWhatWasSent() throws Exception {
    String wrong = "sk-wrong-key-but-long-enough-0123456789";
    for (String target :
        List.of(
            HISTORY,
            HISTORY + "?range=5m",
            HISTORY + "?api_key=" + wrong,
            HISTORY + "?token=" + wrong,
            HISTORY + "?API_KEY=" + API_KEY)) {
      LauncherHttp.Response refused = LauncherHttp.get(port, target);
      assertThat(refused.status()).as(target).isEqualTo(401);
      assertThat(refused.header("Content-Type")).startsWith("text/plain");
      assertThat(refused.body().strip()).as("one line").doesNotContain("\n");
      assertThat(refused.body()).doesNotContain(wrong, API_KEY, "points");
      assertThat(refused.header("Content-Security-Policy")).isNotNull();
    }
    LauncherHttp.Response wrongHeader =
        LauncherHttp.request(port, "GET", HISTORY, Map.of("X-API-Key", wrong));
    assertThat(wrongHeader.status()).isEqualTo(401);
    assertThat(wrongHeader.body()).doesNotContain(wrong);
    assertThat(LauncherHttp.get(port, "/health").status()).as("/health stays open").isEqualTo(200);
    assertThat(LauncherHttp.get(port, "/metrics").status())
        .as("/metrics stays open")
        .isEqualTo(200);
  }

  @Test
  @Order(6)
  void aMalformedRangeIsA400AndLogsNothing() throws Exception {
    String before = launchers.log(launcher);
    for (int i = 0; i < 5; i++) {
      LauncherHttp.Response bad =
          LauncherHttp.get(port, HISTORY + "?api_key=" + API_KEY + "&range=%ZZ");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body()).contains("validation_error");
    }
    assertThat(LauncherHttp.get(port, HISTORY + "?range=%ZZ").status()).isEqualTo(401);
    String after = launchers.log(launcher);
    assertThat(after).startsWith(before);
    assertThat(after.substring(before.length()))
        .as("what the launcher logged while answering the malformed queries")
        .doesNotContain("%ZZ", "Parameters", "Character decoding failed");
  }

  @Test
  @Order(7)
  void theHistoryChartsSwitchRangeWithoutAReload() {
    browser.executeScript("window.__sameDocument = true;");
    WebElement history = browser.findElement(By.id("history"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "5m".equals(history.getAttribute("data-range")));
    for (String chart : List.of("gpu", "vram", "temperature", "cpu", "p95")) {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(chartPoints(chart)).as(chart + " chart").isGreaterThanOrEqualTo(2));
    }

    browser.findElement(By.cssSelector("#history-ranges button[data-range='15m']")).click();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "15m".equals(history.getAttribute("data-range")));
    assertThat(
            browser
                .findElement(By.cssSelector("#history-ranges button[data-range='15m']"))
                .getAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(chartPoints("gpu")).isGreaterThanOrEqualTo(2);
    assertThat(browser.executeScript("return window.__sameDocument === true;"))
        .as("the page was not reloaded")
        .isEqualTo(true);
    browser.findElement(By.cssSelector("#history-ranges button[data-range='5m']")).click();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "5m".equals(history.getAttribute("data-range")));
  }

  @Test
  @Order(8)
  void withAnInstanceWithoutGpuTheGpuPanelKeepsTheGpuNodesAndEveryInstanceIsListed()
      throws Exception {
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      // The web node speaks between the GPU node's statuses (every 500 ms): the panel must not
      // lose the GPU each time.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                publishWebNodeStatus(jedis);
                WebElement gpu = browser.findElement(By.id("panel-gpu"));
                return !"absent".equals(gpu.getAttribute("data-status"))
                    && gpu.getText().contains("Simulated RTX A5500");
              });
      // The list is rebuilt on every status (every 500 ms): an element read may go stale.
      await()
          .atMost(Duration.ofSeconds(5))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                WebElement web =
                    browser.findElement(
                        By.cssSelector("#instances li[data-instance='" + WEB_NODE + "']"));
                assertThat(web.getAttribute("data-gpu")).isEqualTo("none");
                assertThat(web.getText()).contains(WEB_NODE, "no GPU");
                WebElement gpuNode =
                    browser.findElement(
                        By.cssSelector("#instances li[data-instance='" + GPU_NODE + "']"));
                assertThat(gpuNode.getAttribute("data-gpu")).isEqualTo("present");
                assertThat(gpuNode.getText()).contains("Simulated RTX A5500");
              });
      assertThat(browser.findElement(By.id("panel-models")).getText())
          .as("the LLM's slots and context size")
          .contains("nemotron", "context 4096")
          .containsPattern("slots \\d+ / 2");
      // The alerts are redrawn on every update: an element read may go stale.
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () -> {
                publishWebNodeStatus(jedis);
                return browser
                    .findElements(By.cssSelector("#alerts li[data-severity='critical']"))
                    .stream()
                    .anyMatch(alert -> alert.getText().contains("critical"));
              });
    }
    browser.executeScript("window.scrollTo(0, 0);");
    Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  @Order(8)
  void anAlertOneInstanceRaisedStaysWhileTheOthersReportNone() {
    String message = "ALERT-NODE detection queue backlog";
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      publishPerformance(
          jedis,
          "alert-node",
          "{}",
          "[{\"severity\":\"warning\",\"metric\":\"detection_queue\",\"value\":120,"
              + "\"threshold\":100,\"message\":\""
              + message
              + "\"}]");
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> browser.findElement(By.id("alerts")).getText().contains(message));
      // The GPU node (every 500 ms) and the web node report no such alert meanwhile.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                publishPerformance(jedis, WEB_NODE, "{}", "[]");
                return browser.findElement(By.id("alerts")).getText().contains(message);
              });
    }
  }

  @Test
  @Order(9)
  void aFloodOfInstancesKeeps64AndTheServicesOfTheLiveOnesAndAnyNameIsAName() {
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      // /ws/system may pass on only the latest of a burst: each status is sent until it is listed.
      for (int i = 0; i < 70; i++) {
        publishUntilListed(jedis, "bulk-node-" + i, "{\"svc-bulk-" + i + "\":\"healthy\"}");
      }
      publishUntilListed(jedis, "empty-node", "{}");
      publishUntilListed(
          jedis, "__proto__", "{\"__proto__\":\"degraded\",\"constructor\":\"degraded\"}");
      publishPerformance(
          jedis, "proto-node", "{\"__proto__\":{\"status\":\"healthy\",\"model\":\"m\"}}", "[]");
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(browser.findElements(By.cssSelector("#instances li"))).hasSize(64);
              assertThat(
                      browser.findElements(
                          By.cssSelector("#instances li[data-instance='bulk-node-69']")))
                  .isNotEmpty();
              assertThat(
                      browser.findElements(
                          By.cssSelector("#instances li[data-instance='bulk-node-0']")))
                  .as("the least recently heard from is dropped")
                  .isEmpty();
              assertThat(
                      browser.findElements(
                          By.cssSelector("#services li[data-service^='svc-bulk-']")))
                  .as("only the listed instances' services")
                  .hasSizeLessThanOrEqualTo(64)
                  .isNotEmpty();
              assertThat(
                      browser.findElements(
                          By.cssSelector("#services li[data-service='svc-bulk-0']")))
                  .isEmpty();
              WebElement empty =
                  browser.findElement(By.cssSelector("#instances li[data-instance='empty-node']"));
              assertThat(empty.getAttribute("data-status")).isEqualTo("no-services");
              assertThat(empty.getText()).contains("no services");
              assertThat(
                      browser
                          .findElement(By.cssSelector("#instances li[data-instance='__proto__']"))
                          .getText())
                  .contains("__proto__");
              assertThat(
                      browser
                          .findElement(By.cssSelector("#services li[data-service='constructor']"))
                          .getAttribute("data-status"))
                  .isEqualTo("degraded");
              assertThat(
                      browser.findElements(
                          By.cssSelector("#services li[data-service='__proto__']")))
                  .as("a service named __proto__ (and the model of that name)")
                  .hasSize(1);
              assertThat(
                      browser.findElements(
                          By.cssSelector("#panel-models li[data-model='__proto__']")))
                  .isNotEmpty();
            });
  }

  private void publishUntilListed(Jedis jedis, String instance, String services) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              publishStatus(jedis, instance, services);
              return !browser
                  .findElements(By.cssSelector("#instances li[data-instance='" + instance + "']"))
                  .isEmpty();
            });
  }

  private static void publishStatus(Jedis jedis, String instance, String services) {
    jedis.publish(
        "system_status",
        OriginFrame.wrap(
            instance,
            "{\"type\":\"system_status\",\"data\":{\"gpu\":null,\"queues\":null,"
                + "\"cameras\":null,\"services\":"
                + services
                + ",\"instance\":\""
                + instance
                + "\"},\"timestamp\":\""
                + Instant.now()
                + "\"}"));
  }

  @Test
  @Order(9)
  void at390PixelsWideNothingScrollsSideways() {
    String longName = "service-" + "x".repeat(160);
    try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
      publishPerformance(
          jedis,
          WEB_NODE,
          "{\"" + longName + "\":{\"status\":\"healthy\",\"model\":\"" + "m".repeat(160) + "\"}}",
          "[{\"severity\":\"warning\",\"metric\":\"long\",\"value\":1,\"threshold\":0,"
              + "\"message\":\""
              + "a".repeat(200)
              + "\"}]");
      jedis.publish(
          "system_status",
          OriginFrame.wrap(
              WEB_NODE,
              "{\"type\":\"system_status\",\"data\":{\"gpu\":null,\"queues\":null,"
                  + "\"cameras\":null,\"services\":{\""
                  + longName
                  + "\":\"healthy\"},\"instance\":\""
                  + WEB_NODE
                  + "\"},\"timestamp\":\""
                  + Instant.now()
                  + "\"}"));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                !browser
                    .findElements(By.cssSelector("#services li[data-service='" + longName + "']"))
                    .isEmpty());
    Dimension before = browser.manage().window().getSize();
    try {
      browser.manage().window().setSize(new Dimension(390, 844));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  ((Number) browser.executeScript("return window.innerWidth;")).intValue() <= 390);
      assertThat(
              (Boolean)
                  browser.executeScript(
                      "return document.documentElement.scrollWidth"
                          + " <= document.documentElement.clientWidth;"))
          .as("no horizontal scroll at 390 px")
          .isTrue();
      for (String panel : List.of("gpu", "inference", "models", "queues", "cameras")) {
        assertThat(browser.findElement(By.id("panel-" + panel)).isDisplayed()).as(panel).isTrue();
      }
      assertThat(browser.findElement(By.id("history")).isDisplayed()).isTrue();
    } finally {
      browser.manage().window().setSize(before);
    }
  }

  /**
   * A system_status and a performance_update of a web node without GPU, as its broadcaster sends
   * them.
   */
  private static void publishWebNodeStatus(Jedis jedis) {
    String now = Instant.now().toString();
    jedis.publish(
        "system_status",
        OriginFrame.wrap(
            WEB_NODE,
            "{\"type\":\"system_status\",\"data\":{\"gpu\":null,\"queues\":null,"
                + "\"cameras\":null,\"services\":{\"api\":\"healthy\"},\"instance\":\""
                + WEB_NODE
                + "\"},\"timestamp\":\""
                + now
                + "\"}"));
    jedis.publish(
        "performance_update",
        OriginFrame.wrap(
            WEB_NODE,
            "{\"type\":\"performance_update\",\"data\":{\"timestamp\":\""
                + now
                + "\",\"gpu\":null,\"ai_models\":{},\"nemotron\":{\"status\":\"healthy\","
                + "\"slots_active\":1,\"slots_total\":2,\"context_size\":4096},\"inference\":null,"
                + "\"databases\":{\"postgresql\":null,\"redis\":null},\"host\":null,"
                + "\"containers\":[],\"alerts\":[{\"severity\":\"critical\",\"metric\":\"gpu_temperature\","
                + "\"value\":95,\"threshold\":90,\"message\":\"GPU temperature critical: 95C\"}]}}"));
  }

  /** A performance_update of this instance with these ai_models and alerts (JSON). */
  private static void publishPerformance(
      Jedis jedis, String instance, String models, String alerts) {
    jedis.publish(
        "performance_update",
        OriginFrame.wrap(
            instance,
            "{\"type\":\"performance_update\",\"data\":{\"timestamp\":\""
                + Instant.now()
                + "\",\"gpu\":null,\"ai_models\":"
                + models
                + ",\"nemotron\":null,\"inference\":null,"
                + "\"databases\":{\"postgresql\":null,\"redis\":null},\"host\":null,"
                + "\"containers\":[],\"alerts\":"
                + alerts
                + "}}"));
  }

  private int chartPoints(String chart) {
    String points =
        browser
            .findElement(By.cssSelector("#history-" + chart + " polyline"))
            .getAttribute("points");
    return points == null || points.isBlank() ? 0 : points.trim().split("\\s+").length;
  }

  @Test
  @Order(4)
  void theJobLogViewerFollowsAJob() {
    browser.findElement(By.id("job-id")).sendKeys("demo-1");
    browser.findElement(By.id("job-open")).click();

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> browser.findElement(By.id("job-log")).getText().contains("Encoding clips"));
    assertThat(browser.findElement(By.id("job-state")).getText()).isIn("open", "closed");
  }

  @Test
  @Order(10)
  void afterAServerRestartThePageReconnectsAndMissesNoEvent() throws Exception {
    awaitConnected(Duration.ofSeconds(20));
    launcher.destroy(); // SIGTERM: a graceful stop
    assertThat(launcher.waitFor(15, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> !"open".equals(connectionState()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> browser.findElement(By.id("connection-detail")).getText().contains("retry in"));

    // Another instance goes on publishing while this one is down.
    List<Long> publishedMeanwhile = List.of(nextId(), nextId(), nextId());
    try (RedisTransport transport =
            RedisTransport.create(
                RedisTransportConfig.builder().uri("redis://127.0.0.1:" + redis.port()).build());
        EventBroadcaster other =
            EventBroadcaster.builder(transport, ConnectionRegistry.builder().build()).build()) {
      other.start();
      // start() returns before Redis confirms; a publish before the instance follows would wait
      // in its outbox, and closing it right after would leave it there
      await().atMost(Duration.ofSeconds(10)).until(other::isLive);
      for (long id : publishedMeanwhile) {
        other
            .publish(TestEvents.event(id, "loading_dock", "Published while the launcher was down"))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
      }
    }

    launcher = startLauncher();
    awaitConnected(Duration.ofSeconds(60));
    for (long id : publishedMeanwhile) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !feedItems("[data-event-id='" + id + "']").isEmpty());
    }
    assertGapless(seqsOfTheCurrentEpoch());
  }

  @Test
  @Order(11)
  void killingRedisShowsTheDegradedBannerWhichClearsWhenRedisReturns() throws Exception {
    awaitConnected(Duration.ofSeconds(20));
    WebElement banner = browser.findElement(By.id("degraded-banner"));
    assertThat(banner.isDisplayed()).isFalse();

    redis.kill();
    await().atMost(Duration.ofSeconds(45)).until(banner::isDisplayed);
    assertThat(banner.getText()).contains("Degraded mode");
    assertThat(connectionState()).as("the page stays connected to the launcher").isEqualTo("open");

    redis.launch();
    await().atMost(Duration.ofSeconds(45)).until(() -> !banner.isDisplayed());
    assertThat(connectionState()).isEqualTo("open");
  }

  @Test
  @Order(12)
  void thePolicyIsEnforcedAndNothingTheDashboardDoesViolatesIt() {
    awaitConnected(Duration.ofSeconds(20));
    assertThat(cspViolations()).isEmpty();

    Object ran =
        browser.executeScript(
            "const s = document.createElement('script');"
                + "s.textContent = 'window.__inlineRan = true';"
                + "document.head.append(s);"
                + "return window.__inlineRan === true;");

    assertThat(ran).as("an inline script runs under the policy").isEqualTo(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> !cspViolations().isEmpty());
    assertThat(cspViolations()).allMatch(violation -> violation.startsWith("script-src"));
  }

  @SuppressWarnings("unchecked")
  private List<String> cspViolations() {
    return (List<String>)
        browser.executeScript("return window.__cspViolations ?? ['not recorded'];");
  }

  private long nextId() {
    return eventIds.incrementAndGet();
  }

  private List<Long> seqsOfTheCurrentEpoch() {
    List<WebElement> items = feedItems("[data-seq]");
    String epoch = items.get(0).getAttribute("data-epoch");
    return items.stream()
        .filter(item -> epoch.equals(item.getAttribute("data-epoch")))
        .map(item -> Long.parseLong(item.getAttribute("data-seq")))
        .toList();
  }

  /** Newest first, each exactly one below the one before. */
  private static void assertGapless(List<Long> seqs) {
    assertThat(seqs).hasSizeGreaterThan(3);
    for (int i = 1; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).as("after seq %d", seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) - 1);
    }
  }

  private List<WebElement> feedItems(String filter) {
    return browser.findElements(By.cssSelector("#event-feed li" + filter));
  }

  private int updates(String panel) {
    return Integer.parseInt(
        browser.findElement(By.id("panel-" + panel)).getAttribute("data-updates"));
  }

  private String connectionState() {
    return browser.findElement(By.id("connection-state")).getAttribute("data-state");
  }

  private void awaitConnected(Duration within) {
    await().atMost(within).until(() -> "open".equals(connectionState()));
  }
}
