package io.realtime.test.hostile;

import io.realtime.message.Envelope;
import io.realtime.message.Message;
import io.realtime.message.MessageCodec;
import io.realtime.message.payload.SecurityEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A well-behaved client that measures how a server treats it while others attack the server. It
 * holds one connection to the events endpoint and one to the system endpoint, and records
 *
 * <ul>
 *   <li>the latency of each {@code event}: receipt time minus its {@code data.started_at}, which
 *       the publisher sets to the publish time (see {@link EventPacer}; same host, same clock);
 *   <li>the time between consecutive {@code system_status} messages;
 *   <li>the round trip of a JSON {@code ping} to its {@code pong}, on both connections, one
 *       outstanding at a time, every {@value #PING_PERIOD_MILLIS} ms.
 * </ul>
 *
 * <p>{@link #measure} and {@link #measureDuring} summarize one window into {@link Figures}; a
 * window ends as soon as it holds the samples asked for, or when its time is up (then it records
 * the shortfall, which {@link Figures#assertWithin} reports). It uses an HTTP client of its own, so
 * what other sockets of the test receive never delays it.
 */
public final class VictimProbe implements AutoCloseable {

  /** How often each connection pings, at most. */
  public static final long PING_PERIOD_MILLIS = 25;

  private static final String PING = "{\"type\":\"ping\"}";
  private static final String PONG = "{\"type\":\"pong\"}";

  /**
   * How many samples a window wants before it ends.
   *
   * @param events events received
   * @param statusIntervals {@code system_status} arrivals (each closes an interval)
   * @param pings ping round trips
   */
  public record SampleSizes(int events, int statusIntervals, int pings) {}

  private record Sample(long nanos, double millis) {}

  private static final Logger log = LoggerFactory.getLogger(VictimProbe.class);

  private final MessageCodec codec = MessageCodec.json();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition sampled = lock.newCondition();
  private final List<Sample> latencies = new ArrayList<>();
  private final List<Sample> intervals = new ArrayList<>();
  private final List<Sample> rtts = new ArrayList<>();
  private long lastStatusNanos = Long.MIN_VALUE;
  private final AtomicLong[] pingSent = {new AtomicLong(), new AtomicLong()};
  private final RecordingSocket events;
  private final RecordingSocket system;
  private final ScheduledExecutorService pinger;

  private VictimProbe(URI eventsUri, URI systemUri, Map<String, String> headers) {
    HttpClient client = RecordingSocket.newClient();
    events = RecordingSocket.connect(client, eventsUri, headers, m -> onEvents(m));
    try {
      system = RecordingSocket.connect(client, systemUri, headers, m -> onSystem(m));
    } catch (RuntimeException e) {
      events.close();
      throw e;
    }
    pinger =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "victim-pinger");
              thread.setDaemon(true);
              return thread;
            });
    pinger.scheduleWithFixedDelay(
        () -> {
          ping(0, events);
          ping(1, system);
        },
        0,
        PING_PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Connects both sockets and starts pinging.
   *
   * @param eventsUri the events endpoint, e.g. {@code ws://127.0.0.1:8080/ws/events}
   * @param systemUri the system endpoint
   * @param headers request headers of both handshakes (e.g. {@code X-Forwarded-For})
   * @return the probe
   */
  public static VictimProbe connect(URI eventsUri, URI systemUri, Map<String, String> headers) {
    return new VictimProbe(eventsUri, systemUri, headers);
  }

  private void ping(int index, RecordingSocket socket) {
    if (pingSent[index].get() == 0 && socket.isOpen()) {
      pingSent[index].set(System.nanoTime());
      try {
        socket.send(PING);
      } catch (IllegalStateException e) {
        // a closed socket; assertOpen() reports it
      }
    }
  }

  private void onPong(int index, long nanos) {
    long sent = pingSent[index].getAndSet(0);
    if (sent != 0) {
      add(rtts, new Sample(nanos, (nanos - sent) / 1e6));
    }
  }

  private void onEvents(RecordingSocket.Received message) {
    if (message.text().equals(PONG)) {
      onPong(0, message.nanos());
      return;
    }
    Instant now = Instant.now();
    Message decoded;
    try {
      decoded = codec.decode(message.text());
    } catch (RuntimeException e) {
      return; // not ours to judge
    }
    if (decoded instanceof Envelope envelope
        && !envelope.replay()
        && envelope.data() instanceof SecurityEvent event
        && event.startedAt() != null) {
      try {
        Instant published = Instant.parse(event.startedAt());
        add(
            latencies,
            new Sample(message.nanos(), Duration.between(published, now).toNanos() / 1e6));
      } catch (DateTimeParseException e) {
        // an event of some other producer
      }
    }
  }

  private void onSystem(RecordingSocket.Received message) {
    if (message.text().equals(PONG)) {
      onPong(1, message.nanos());
      return;
    }
    if (message.text().startsWith("{\"type\":\"system_status\"")) {
      lock.lock();
      try {
        if (lastStatusNanos != Long.MIN_VALUE) {
          add(intervals, new Sample(message.nanos(), (message.nanos() - lastStatusNanos) / 1e6));
        }
        lastStatusNanos = message.nanos();
      } finally {
        lock.unlock();
      }
    }
  }

  private void add(List<Sample> samples, Sample sample) {
    lock.lock();
    try {
      samples.add(sample);
      sampled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Measures a window without doing anything else: the baseline.
   *
   * @param sizes the samples the window wants
   * @param atMost when the window ends even if it lacks samples
   * @return the figures
   */
  public Figures measure(SampleSizes sizes, Duration atMost) {
    return measureDuring(() -> {}, sizes, atMost);
  }

  /**
   * Runs an attack on the calling thread and measures the window it starts: the window ends when
   * the attack has returned and the samples are in, or at {@code atMost} after its start.
   *
   * @param attack what the attacker does
   * @param sizes the samples the window wants
   * @param atMost when the window ends even if it lacks samples
   * @return the figures
   */
  public Figures measureDuring(Runnable attack, SampleSizes sizes, Duration atMost) {
    long start = System.nanoTime();
    long deadline = start + atMost.toNanos();
    attack.run();
    lock.lock();
    try {
      while (!enough(start, sizes)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        sampled.awaitNanos(left);
      }
      long end = System.nanoTime();
      return new Figures(
          Duration.ofNanos(end - start),
          Figures.Distribution.of(since(latencies, start)),
          Figures.Distribution.of(since(intervals, start)),
          Figures.Distribution.of(since(rtts, start)),
          enough(start, sizes) ? null : shortfall(start, sizes, atMost));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    } finally {
      lock.unlock();
    }
  }

  private boolean enough(long start, SampleSizes sizes) {
    return since(latencies, start).size() >= sizes.events()
        && since(intervals, start).size() >= sizes.statusIntervals()
        && since(rtts, start).size() >= sizes.pings();
  }

  private String shortfall(long start, SampleSizes sizes, Duration atMost) {
    long silentMillis =
        lastStatusNanos == Long.MIN_VALUE ? -1 : (System.nanoTime() - lastStatusNanos) / 1_000_000;
    return "in "
        + atMost.toMillis()
        + " ms it got "
        + since(latencies, start).size()
        + "/"
        + sizes.events()
        + " events, "
        + since(intervals, start).size()
        + "/"
        + sizes.statusIntervals()
        + " system_status (the last "
        + silentMillis
        + " ms ago), "
        + since(rtts, start).size()
        + "/"
        + sizes.pings()
        + " pongs";
  }

  /**
   * The samples taken at or after {@code start}. Samples are appended nearly in time order (two
   * sockets' threads add to the same list), so the scan from the newest stops a second before.
   */
  private static List<Double> since(List<Sample> samples, long start) {
    List<Double> millis = new ArrayList<>();
    long stop = start - TimeUnit.SECONDS.toNanos(1);
    for (int i = samples.size() - 1; i >= 0 && samples.get(i).nanos() >= stop; i--) {
      if (samples.get(i).nanos() >= start) {
        millis.add(samples.get(i).millis());
      }
    }
    return millis;
  }

  /**
   * Measures a baseline, then the same window during an attack, and asserts that nobody but the
   * attacker noticed: the victim's figures stay within {@link Figures#assertWithin bounds}, its
   * connections stay open, and every bystander stays open and keeps receiving; then that the
   * attacker got its documented answer. Both windows are logged.
   *
   * @param attack the attack
   * @param sizes the samples each window wants
   * @param atMost when a window ends even if it lacks samples
   * @param bystanders the other clients
   * @throws AssertionError saying who was disturbed and how
   */
  public void assertUndisturbedBy(
      Attack attack, SampleSizes sizes, Duration atMost, Bystanders bystanders) {
    Figures baseline = measure(sizes, atMost);
    bystanders.mark();
    Figures attacked = measureDuring(attack::run, sizes, atMost);
    log.info("{}\n  baseline: {}\n  attacked: {}", attack, baseline, attacked);
    attacked.assertWithin(baseline);
    assertOpen();
    bystanders.assertUndisturbed(atMost);
    attack.assertAnswered();
  }

  /**
   * Asserts that both of the victim's connections are still open.
   *
   * @throws AssertionError naming the closed one and how it closed
   */
  public void assertOpen() {
    if (!events.isOpen() || !system.isOpen()) {
      throw new AssertionError(
          "the victim was closed: events "
              + (events.isOpen() ? "open" : events.closed().getNow(null))
              + ", system "
              + (system.isOpen() ? "open" : system.closed().getNow(null)));
    }
  }

  /** Stops pinging and closes both connections. */
  @Override
  public void close() {
    pinger.shutdownNow();
    events.close();
    system.close();
  }
}
