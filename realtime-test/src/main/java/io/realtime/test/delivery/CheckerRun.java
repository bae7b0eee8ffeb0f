package io.realtime.test.delivery;

import static org.awaitility.Awaitility.await;

import io.realtime.broadcast.PublishReceipt;
import io.realtime.test.delivery.Journal.Acked;
import io.realtime.test.delivery.Journal.Closed;
import io.realtime.test.delivery.Journal.Connected;
import io.realtime.test.delivery.Journal.Delivered;
import io.realtime.test.delivery.Journal.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of a {@link DeliveryChecker}: the instances, clients, publishers and faults. */
final class CheckerRun implements SimClient.Host, FaultContext {

  private static final Logger log = LoggerFactory.getLogger(DeliveryChecker.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final DeliveryChecker.Builder settings;
  private final long start = System.nanoTime();
  private final Random faultRandom;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService faultThread;
  private final List<Node> nodes = new ArrayList<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<PublishRecord> records = new ConcurrentLinkedQueue<>();
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong nextId = new AtomicLong();
  private final CountDownLatch publishingDone = new CountDownLatch(1);
  private final CountDownLatch faultsDone = new CountDownLatch(1);
  private final AtomicReference<Exception> faultError = new AtomicReference<>();
  private final AtomicBoolean churning = new AtomicBoolean(true);
  private volatile boolean stopping;
  private volatile boolean historyFailing;
  private volatile int dropOneIn;

  CheckerRun(DeliveryChecker.Builder settings) {
    this.settings = settings;
    Random master = new Random(settings.seed);
    this.faultRandom = new Random(master.nextLong());
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            6,
            task -> {
              Thread thread = new Thread(task, "delivery-check-" + THREADS.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.scheduler = pool;
    this.faultThread =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "delivery-check-faults");
              thread.setDaemon(true);
              return thread;
            });
    Node.Assembly assembly =
        new Node.Assembly(
            settings.transports,
            settings.transportChannel,
            settings.registry,
            settings.broadcaster,
            settings.pingInterval,
            scheduler);
    for (int i = 0; i < settings.instances; i++) {
      nodes.add(new Node(i, assembly));
    }
    for (int i = 0; i < settings.instances; i++) {
      for (ClientKind kind : ClientKind.values()) {
        for (int n = 0; n < settings.clients.get(kind); n++) {
          String name = "c" + clients.size() + "-" + kind.name().toLowerCase(java.util.Locale.ROOT);
          clients.add(new SimClient(name, kind, new Random(master.nextLong()), this));
        }
      }
    }
  }

  DeliveryReport run() throws InterruptedException {
    note(
        "seed "
            + settings.seed
            + ", "
            + settings.instances
            + " instance(s), clients per instance "
            + settings.clients
            + ", "
            + settings.publishRate
            + " events/s for "
            + settings.duration.toMillis()
            + " ms, faults "
            + settings.faults.stream()
                .map(
                    f ->
                        f.fault().name() + " x" + f.times() + " for " + f.hold().toMillis() + " ms")
                .toList());
    try {
      for (Node node : nodes) {
        startInstance(node.index);
      }
      int perInstance = clients.size() / nodes.size();
      for (int i = 0; i < clients.size(); i++) {
        clients.get(i).connect(i / Math.max(1, perInstance) % nodes.size());
      }
      startPublishing();
      startChurn();
      startFaults();
      long bound = settings.duration.toMillis() + 120_000;
      if (!publishingDone.await(bound, TimeUnit.MILLISECONDS)
          || !faultsDone.await(bound, TimeUnit.MILLISECONDS)) {
        note("publishing or faults did not end within " + bound + " ms");
      }
      churning.set(false);
      Exception failed = faultError.get();
      if (failed != null) {
        throw new IllegalStateException(
            "a fault could not be injected or healed: " + failed + "\n" + String.join("\n", trace),
            failed);
      }
      note("publishing ended after event " + Math.min(nextId.get(), settings.maxEvents));
      boolean settled = awaitQuiescence();
      Verifier.Result result = new Verifier(start).check(clients, records);
      return report(settled, result);
    } finally {
      stop();
    }
  }

  private void startPublishing() {
    long periodNanos = (long) (settings.instances * 1e9 / settings.publishRate);
    long end = start + settings.duration.toNanos();
    for (Node node : nodes) {
      scheduler.scheduleAtFixedRate(
          () -> publish(node, end),
          periodNanos * node.index / settings.instances,
          periodNanos,
          TimeUnit.NANOSECONDS);
    }
  }

  private void publish(Node node, long end) {
    if (publishingDone.getCount() == 0) {
      return;
    }
    if (System.nanoTime() >= end || nextId.get() >= settings.maxEvents) {
      publishingDone.countDown();
      return;
    }
    long id = nextId.incrementAndGet();
    PublishRecord record = new PublishRecord(id, node.index, now());
    CompletionStage<PublishReceipt> receipt;
    try {
      receipt = node.publish(id);
    } catch (RuntimeException closing) {
      receipt = null;
    }
    if (receipt == null) {
      return; // the instance is down: nothing was promised
    }
    records.add(record);
    receipt.whenComplete(
        (done, error) -> {
          if (error != null) {
            record.fail(error.toString(), now());
          } else {
            record.complete(done.position(), done.localOnly(), now());
          }
        });
  }

  private void startChurn() {
    for (SimClient client : clients) {
      if (client.kind == ClientKind.RECONNECTING) {
        churn(client, new Random(faultRandom.nextLong()));
      }
    }
  }

  private void churn(SimClient client, Random random) {
    schedule(
        () -> {
          if (churning.get()) {
            client.goAway();
            churn(client, random);
          }
        },
        1_000 + random.nextInt(2_000));
  }

  /** Injections shuffled with the seed, spread over the middle 70 % of the run, one at a time. */
  private void startFaults() {
    List<DeliveryChecker.Injection> plan = new ArrayList<>();
    for (DeliveryChecker.Injection injection : settings.faults) {
      for (int i = 0; i < injection.times(); i++) {
        plan.add(injection);
      }
    }
    Collections.shuffle(plan, faultRandom);
    long window = settings.duration.toMillis() * 7 / 10;
    long first = settings.duration.toMillis() * 15 / 100;
    long slot = plan.isEmpty() ? 0 : window / plan.size();
    List<Long> at = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      long room = Math.max(1, slot - plan.get(i).hold().toMillis());
      at.add(first + i * slot + faultRandom.nextLong(room));
    }
    inject(plan, at, 0);
  }

  private void inject(List<DeliveryChecker.Injection> plan, List<Long> at, int i) {
    if (i == plan.size()) {
      faultsDone.countDown();
      return;
    }
    long delay = Math.max(0, at.get(i) - (System.nanoTime() - start) / 1_000_000);
    DeliveryChecker.Injection injection = plan.get(i);
    faultThread.schedule(
        () -> {
          if (!act("inject", injection)) {
            return;
          }
          faultThread.schedule(
              () -> {
                if (act("heal", injection)) {
                  inject(plan, at, i + 1);
                }
              },
              injection.hold().toMillis(),
              TimeUnit.MILLISECONDS);
        },
        delay,
        TimeUnit.MILLISECONDS);
  }

  private boolean act(String what, DeliveryChecker.Injection injection) {
    note(what + " " + injection.fault().name());
    try {
      if (what.equals("inject")) {
        injection.fault().inject(this);
      } else {
        injection.fault().heal(this);
      }
      return true;
    } catch (Exception e) {
      note(what + " " + injection.fault().name() + " failed: " + e);
      faultError.set(e);
      faultsDone.countDown();
      publishingDone.countDown();
      return false;
    }
  }

  private boolean awaitQuiescence() {
    try {
      await("delivery check quiescence")
          .atMost(settings.quiescence)
          .pollInterval(Duration.ofMillis(250))
          .until(this::quiet);
      note("settled");
      return true;
    } catch (ConditionTimeoutException e) {
      note("not settled within " + settings.quiescence.toMillis() + " ms");
      return false;
    }
  }

  /** Every publish answered, every client connected and caught up, nothing missing yet. */
  private boolean quiet() {
    if (!records.stream().allMatch(PublishRecord::done)
        || !clients.stream().allMatch(SimClient::settled)) {
      return false;
    }
    return new Verifier(start)
        .check(clients, records).violations().stream()
            .noneMatch(
                v -> v.invariant() == Invariant.LOSS || v.invariant() == Invariant.LOCAL_ONLY);
  }

  private DeliveryReport report(boolean settled, Verifier.Result result) {
    long acknowledged = records.stream().filter(r -> r.position() != null).count();
    long localOnly = records.stream().filter(PublishRecord::localOnly).count();
    long failed = records.stream().filter(r -> r.failure() != null).count();
    long pending = records.stream().filter(r -> !r.done()).count();
    long[] counts = {
      records.size(),
      acknowledged,
      localOnly,
      failed,
      pending,
      result.deliveries(),
      result.announcedLost(),
      result.repeatedLocalCopies()
    };
    List<String> summaries = clients.stream().map(this::summary).toList();
    DeliveryReport report =
        new DeliveryReport(
            settings.seed,
            Duration.ofNanos(System.nanoTime() - start),
            counts,
            settled,
            result.violations(),
            summaries,
            trace);
    if (report.isClean()) {
      log.info("Delivery check, seed {}: no violation", settings.seed);
    } else {
      log.warn(
          "Delivery check, seed {}: {} violation(s); see the report",
          settings.seed,
          report.violations().size());
    }
    return report;
  }

  private String summary(SimClient client) {
    List<Entry> journal = client.journal();
    long connections = journal.stream().filter(Connected.class::isInstance).count();
    long events = journal.stream().filter(e -> e instanceof Delivered d && d.accepted()).count();
    Map<String, Long> closes =
        journal.stream()
            .filter(e -> e instanceof Closed c && !c.byClient())
            .map(e -> Integer.toString(((Closed) e).code()))
            .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
    Map<String, Long> acks =
        journal.stream()
            .filter(Acked.class::isInstance)
            .map(
                e -> {
                  Acked a = (Acked) e;
                  return Boolean.TRUE.equals(a.ack().gapTooOld())
                      ? "gap_too_old"
                      : "recovered:" + a.ack().recovered();
                })
            .collect(Collectors.groupingBy(c -> c, TreeMap::new, Collectors.counting()));
    long epochs =
        journal.stream()
            .filter(e -> e instanceof Delivered d && d.epoch() != null)
            .map(e -> ((Delivered) e).epoch())
            .distinct()
            .count();
    return client
        + ": "
        + connections
        + " connection(s), "
        + events
        + " event(s) accepted, server closes "
        + closes
        + ", resync acks "
        + acks
        + ", "
        + epochs
        + " epoch(s)";
  }

  private void stop() {
    stopping = true;
    churning.set(false);
    publishingDone.countDown();
    faultThread.shutdownNow();
    clients.forEach(SimClient::stop);
    for (Node node : nodes) {
      try {
        node.stop();
      } catch (RuntimeException e) {
        log.debug("Stopping instance {} failed", node.index, e);
      }
    }
    scheduler.shutdownNow();
  }

  // SimClient.Host

  @Override
  public long now() {
    return System.nanoTime();
  }

  @Override
  public Node node(int instance) {
    return nodes.get(instance);
  }

  @Override
  public int pickInstance(Random random) {
    List<Node> up = nodes.stream().filter(n -> n.live() != null).toList();
    return up.isEmpty() ? -1 : up.get(random.nextInt(up.size())).index;
  }

  @Override
  public void schedule(Runnable task, long delayMillis) {
    if (stopping) {
      return;
    }
    try {
      scheduler.schedule(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("A delivery check task failed", e);
            }
          },
          delayMillis,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopped) {
      // the run is over
    }
  }

  @Override
  public boolean stopping() {
    return stopping;
  }

  // FaultContext

  @Override
  public Random random() {
    return faultRandom;
  }

  @Override
  public int instances() {
    return nodes.size();
  }

  @Override
  public void stopInstance(int instance) {
    note("instance " + instance + " stopping");
    nodes.get(instance).stop();
    note("instance " + instance + " stopped");
  }

  @Override
  public void startInstance(int instance) {
    Node node = nodes.get(instance);
    try {
      node.start();
    } catch (Exception e) {
      throw new IllegalStateException("instance " + instance + " could not start: " + e, e);
    }
    Node.Live live = node.live();
    if (live != null) {
      live.transport().historyUnreadable(historyFailing, dropOneIn);
    }
    note("instance " + instance + " started on " + (live == null ? "?" : live.transport().name()));
  }

  @Override
  public void historyUnreadable(boolean failing, int dropOneIn) {
    this.historyFailing = failing;
    this.dropOneIn = dropOneIn;
    for (Node node : nodes) {
      Node.Live live = node.live();
      if (live != null) {
        live.transport().historyUnreadable(failing, dropOneIn);
      }
    }
  }

  @Override
  public void stallClients(ClientKind kind, boolean stalled) {
    for (SimClient client : clients) {
      if (client.kind == kind) {
        client.stall(stalled);
      }
    }
  }

  @Override
  public void note(String text) {
    String line = Clock.format(System.nanoTime() - start) + " " + text;
    trace.add(line);
    log.info("Delivery check: {}", line);
  }
}
