package io.realtime.jakarta.ws;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.internal.MessageHandler;

/**
 * Thousands of cheap job-log viewers in the test's JVM: Jetty's NIO WebSocket client, one {@link
 * HttpClient} per source address ({@code 127.0.0.2}, {@code 127.0.0.3}, ...), so that the server's
 * per-address rate limit sees many clients, as it would in production. All of them share one pool
 * of threads and one scheduler whose threads are named {@value #THREAD_PREFIX}..., so that a test
 * counting the server's threads can leave the fleet's out.
 */
final class ViewerFleet implements AutoCloseable {

  /** The prefix of the names of every thread the fleet runs on. */
  static final String THREAD_PREFIX = "viewers-";

  /** A log line's message text, as the server writes it. */
  private static final Pattern MESSAGE = Pattern.compile("\"message\":\"([^\"]*)\"");

  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
  private static final long HANDSHAKE_TIMEOUT_SECONDS = 60;

  private final QueuedThreadPool executor;
  private final ScheduledExecutorScheduler scheduler;
  private final List<WebSocketCoreClient> clients = new ArrayList<>();

  private ViewerFleet(int sourceAddresses) {
    // Each client's selector holds one thread for good; the rest serve handshakes and frames.
    executor = new QueuedThreadPool(sourceAddresses + 32, 8);
    executor.setName(THREAD_PREFIX + "client");
    executor.setDaemon(true);
    scheduler = new ScheduledExecutorScheduler(THREAD_PREFIX + "scheduler", true);
  }

  /**
   * Starts a client per source address, {@code 127.0.0.2} upwards.
   *
   * @param sourceAddresses how many, at most 250
   * @return the fleet, with no viewer yet
   * @throws Exception if a client does not start
   */
  static ViewerFleet start(int sourceAddresses) throws Exception {
    if (sourceAddresses < 1 || sourceAddresses > 250) {
      throw new IllegalArgumentException(
          "sourceAddresses must be from 1 to 250, got " + sourceAddresses);
    }
    ViewerFleet fleet = new ViewerFleet(sourceAddresses);
    try {
      fleet.executor.start();
      fleet.scheduler.start();
      for (int i = 0; i < sourceAddresses; i++) {
        HttpClient http = new HttpClient();
        http.setExecutor(fleet.executor);
        http.setScheduler(fleet.scheduler);
        http.setBindAddress(new InetSocketAddress("127.0.0." + (2 + i), 0));
        WebSocketCoreClient client =
            new WebSocketCoreClient(
                http, new WebSocketComponents(null, null, null, null, null, fleet.executor));
        client.start();
        fleet.clients.add(client);
      }
    } catch (Exception e) {
      fleet.close();
      throw e;
    }
    return fleet;
  }

  /**
   * Opens a viewer per URI, the {@code i}-th from source address {@code i % sourceAddresses}, with
   * at most {@code inFlight} handshakes under way at once, and waits for every handshake.
   *
   * @param uris the job-log URIs
   * @param inFlight the most handshakes under way at once
   * @return the viewers, in the order of {@code uris}
   * @throws Exception if a handshake fails or the wait is interrupted
   */
  List<Viewer> open(List<URI> uris, int inFlight) throws Exception {
    Semaphore handshakes = new Semaphore(inFlight);
    List<Viewer> viewers = new ArrayList<>(uris.size());
    List<CompletableFuture<CoreSession>> sessions = new ArrayList<>(uris.size());
    for (int i = 0; i < uris.size(); i++) {
      if (!handshakes.tryAcquire(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "no handshake finished in " + HANDSHAKE_TIMEOUT_SECONDS + " s at viewer " + i);
      }
      WebSocketCoreClient client = clients.get(i % clients.size());
      Viewer viewer = new Viewer();
      viewers.add(viewer);
      CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(client, uris.get(i), viewer);
      request.timeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      Configuration.ConfigurationCustomizer configuration =
          new Configuration.ConfigurationCustomizer();
      configuration.setIdleTimeout(IDLE_TIMEOUT);
      request.setConfiguration(configuration);
      CompletableFuture<CoreSession> session = client.connect(request);
      session.whenComplete((ignored, error) -> handshakes.release());
      sessions.add(session);
    }
    CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new))
        .get(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return viewers;
  }

  @Override
  public void close() throws Exception {
    for (WebSocketCoreClient client : clients) {
      client.stop();
      client.getHttpClient().stop();
    }
    scheduler.stop();
    executor.stop();
  }

  /** One viewer: when each log line (by its message text) first reached it, and how it closed. */
  static final class Viewer extends MessageHandler {

    private final Map<String, CompletableFuture<Long>> arrivals = new ConcurrentHashMap<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

    /**
     * Returns when the first log line with this message text reached the viewer.
     *
     * @param message the line's message text
     * @return a stage completing with {@link System#nanoTime()} at its arrival
     */
    CompletableFuture<Long> arrival(String message) {
      return arrivals.computeIfAbsent(message, key -> new CompletableFuture<>());
    }

    /**
     * Returns how the viewer closed.
     *
     * @return a stage completing with the close status
     */
    CompletableFuture<CloseStatus> closed() {
      return closed;
    }

    /** Leaves with 1000. */
    void leave() {
      CoreSession session = getCoreSession();
      if (session != null) {
        session.close(CloseStatus.NORMAL, "viewer left", Callback.NOOP);
      }
    }

    @Override
    protected void onText(String text, Callback callback) {
      long now = System.nanoTime();
      Matcher line = MESSAGE.matcher(text);
      while (line.find()) {
        arrival(line.group(1)).complete(now);
      }
      callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
      closed.complete(status);
      super.onClosed(status, callback);
    }
  }
}
