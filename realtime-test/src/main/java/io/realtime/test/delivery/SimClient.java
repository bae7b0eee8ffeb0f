package io.realtime.test.delivery;

import io.realtime.connection.CloseReason;
import io.realtime.connection.Connection;
import io.realtime.connection.RegisteredConnection;
import io.realtime.message.Envelope;
import io.realtime.message.ErrorCode;
import io.realtime.message.ErrorReply;
import io.realtime.message.Message;
import io.realtime.message.MessageTypes;
import io.realtime.message.Ping;
import io.realtime.message.ResyncAck;
import io.realtime.message.payload.SecurityEvent;
import io.realtime.message.payload.ServiceStatus;
import io.realtime.protocol.ProtocolSession;
import io.realtime.test.delivery.Journal.Acked;
import io.realtime.test.delivery.Journal.Closed;
import io.realtime.test.delivery.Journal.Connected;
import io.realtime.test.delivery.Journal.Delivered;
import io.realtime.test.delivery.Journal.Entry;
import io.realtime.test.delivery.Journal.Notice;
import io.realtime.test.delivery.Journal.ResyncSent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated client: it connects to an instance through an in-process {@link Connection}, and
 * follows the stream as the Java and JavaScript clients do ({@code RealtimeClient}): a contiguous
 * watermark {@code lastSeq} with the offsets received past a gap, duplicates dropped by offset, a
 * new epoch restarting the offsets, a resync on a gap, on a heartbeat ahead of it and after every
 * reconnect, a rate-limited resync retried when the server says. It journals everything.
 */
final class SimClient {

  /** What the client needs from the run. */
  interface Host {
    long now();

    Node node(int instance);

    /** A running instance chosen with {@code random}, or -1 when none runs. */
    int pickInstance(Random random);

    void schedule(Runnable task, long delayMillis);

    boolean stopping();
  }

  final String name;
  final ClientKind kind;
  private final Random random;
  private final Host host;
  private final List<Entry> journal = new ArrayList<>();
  private long lastSeq;
  private final NavigableSet<Long> ahead = new TreeSet<>();
  private String epoch;
  private boolean resyncPending;
  private int sessions;
  private Session current;
  private boolean reconnectDue;

  /** When it last stopped being connected and answered; -1 while it is. */
  private long unsettledSince = -1;

  private volatile boolean stalled;
  private volatile boolean stopped;

  SimClient(String name, ClientKind kind, Random random, Host host) {
    this.name = name;
    this.kind = kind;
    this.random = random;
    this.host = host;
  }

  /** One connection of this client. */
  private final class Session implements Connection {
    final int number;
    final String id;
    final int instance;
    final Map<String, Object> attributes = new ConcurrentHashMap<>();
    final List<Runnable> stalledReads = new ArrayList<>();
    volatile RegisteredConnection registered;
    volatile ProtocolSession protocol;
    boolean closed;

    Session(int number, int instance) {
      this.number = number;
      this.id = name + "-s" + number;
      this.instance = instance;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Map<String, Object> attributes() {
      return attributes;
    }

    @Override
    public CompletionStage<Void> sendText(String text) {
      CompletableFuture<Void> sent = new CompletableFuture<>();
      Runnable read =
          () -> {
            receive(this, text);
            sent.complete(null);
          };
      if (stalled && kind == ClientKind.STALLING) {
        synchronized (SimClient.this) {
          if (stalled) {
            stalledReads.add(read);
            return sent;
          }
        }
      }
      if (kind == ClientKind.SLOW) {
        host.schedule(read, 1 + random.nextInt(5));
      } else {
        read.run();
      }
      return sent;
    }

    @Override
    public void close(CloseReason reason) {
      onServerClose(this, reason);
    }
  }

  int instance() {
    Session session = current;
    return session == null ? -1 : session.instance;
  }

  /** Connects to a running instance, or tries again shortly when none runs. */
  void connect() {
    if (stopped) {
      return;
    }
    int instance = host.pickInstance(random);
    if (instance < 0) {
      host.schedule(this::connect, 200);
      return;
    }
    connect(instance);
  }

  void connect(int instance) {
    Session session;
    synchronized (this) {
      if (stopped) {
        return;
      }
      reconnectDue = false;
      session = new Session(++sessions, instance);
    }
    Node node = host.node(instance);
    Node.Live live = node.live();
    if (live == null) {
      reconnectLater(200);
      return;
    }
    RegisteredConnection registered;
    try {
      registered = live.registry().register("events", session);
    } catch (IllegalStateException shuttingDown) {
      reconnectLater(200);
      return;
    }
    session.registered = registered;
    ProtocolSession protocol = live.protocol().open(registered);
    session.protocol = protocol;
    synchronized (this) {
      journal.add(new Connected(host.now(), session.number, instance));
      current = session;
      resyncPending = false;
      if (lastSeq == 0) {
        track(); // nothing to resync: caught up at once; otherwise the resync's answer settles it
      }
    }
    // As the events endpoint does: a client joining a degraded instance is told at once.
    live.broadcaster().degradedNotice().ifPresent(registered::send);
    synchronized (this) {
      if (lastSeq > 0) {
        requestResync();
      }
    }
  }

  private void reconnectLater(long delayMillis) {
    synchronized (this) {
      if (stopped || reconnectDue) {
        return;
      }
      reconnectDue = true;
    }
    host.schedule(this::connect, delayMillis);
  }

  /** The client goes away on its own (a reload), then reconnects somewhere. */
  void goAway() {
    Session session;
    synchronized (this) {
      session = current;
      if (session == null || session.closed || stopped) {
        return;
      }
      session.closed = true;
      current = null;
      journal.add(new Closed(host.now(), session.number, 1000, "client went away", true));
      session.stalledReads.clear();
      track();
    }
    Node.Live live = host.node(session.instance).live();
    if (live != null) {
      // As an adapter whose peer went away: the registry forgets it, nothing is sent any more.
      live.registry().unregister(session.id);
    }
    reconnectLater(50 + random.nextInt(250));
  }

  private void onServerClose(Session session, CloseReason reason) {
    synchronized (this) {
      if (session.closed) {
        return;
      }
      session.closed = true;
      // What it had not read yet is lost with the connection.
      session.stalledReads.clear();
      journal.add(new Closed(host.now(), session.number, reason.code(), reason.reason(), false));
      if (current == session) {
        current = null;
      }
      track();
    }
    // As RealtimeClient: a 1013 holds off a little longer before trying again.
    long delay =
        reason.code() == CloseReason.TRY_AGAIN_LATER
            ? 200 + random.nextInt(400)
            : 50 + random.nextInt(250);
    reconnectLater(delay);
  }

  void stall(boolean stall) {
    List<Runnable> reads = new ArrayList<>();
    synchronized (this) {
      stalled = stall;
      if (!stall && current != null) {
        reads.addAll(current.stalledReads);
        current.stalledReads.clear();
      }
    }
    reads.forEach(Runnable::run);
  }

  /** Reads one frame the server sent. */
  private void receive(Session session, String text) {
    Message message;
    try {
      message = host.node(session.instance).codec().decode(text);
    } catch (RuntimeException e) {
      synchronized (this) {
        journal.add(new Notice(host.now(), session.number, "unreadable frame: " + text));
      }
      return;
    }
    synchronized (this) {
      if (session.closed) {
        return;
      }
      if (message instanceof Envelope envelope) {
        onEnvelope(session, envelope);
      } else if (message instanceof Ping ping) {
        if (ping.lastSeq() > lastSeq && lastSeq > 0) {
          requestResync();
        }
      } else if (message instanceof ResyncAck ack) {
        onAck(session, ack);
      } else if (message instanceof ErrorReply reply
          && reply.error() == ErrorCode.RATE_LIMITED
          && "resync".equals(reply.details().get("request"))) {
        Object after = reply.details().get("retry_after_ms");
        long millis = after instanceof Number number ? number.longValue() : 1_000;
        journal.add(new Notice(host.now(), session.number, "resync rate-limited"));
        host.schedule(
            () -> {
              synchronized (SimClient.this) {
                resyncPending = false;
                requestResync();
              }
            },
            Math.min(60_000, Math.max(100, millis)));
      }
    }
  }

  private void onEnvelope(Session session, Envelope envelope) {
    switch (envelope.type()) {
      case MessageTypes.EVENT -> {
        long id = envelope.dataAs(SecurityEvent.class).id();
        boolean accepted = envelope.seq() == null || acceptPosition(envelope);
        journal.add(
            new Delivered(
                host.now(),
                session.number,
                id,
                envelope.seq(),
                envelope.epoch(),
                envelope.replay(),
                accepted,
                session.instance));
      }
      case MessageTypes.SERVICE_STATUS -> {
        ServiceStatus status = envelope.dataAs(ServiceStatus.class);
        journal.add(
            new Notice(
                host.now(),
                session.number,
                "service_status " + status.service() + " " + status.status()));
      }
      case MessageTypes.SYSTEM_SHUTDOWN ->
          journal.add(new Notice(host.now(), session.number, "system.shutdown"));
      default -> {
        // other types are not this checker's
      }
    }
  }

  /** RealtimeClient.acceptPosition: false for a duplicate; a gap asks for a resync. */
  private boolean acceptPosition(Envelope envelope) {
    long seq = envelope.seq();
    if (epoch != null && !epoch.equals(envelope.epoch())) {
      lastSeq = 0;
      ahead.clear();
    }
    epoch = envelope.epoch();
    if (seq <= lastSeq || ahead.contains(seq)) {
      return false;
    }
    if (lastSeq == 0 || seq == lastSeq + 1) {
      lastSeq = seq;
      while (ahead.remove(lastSeq + 1)) {
        lastSeq++;
      }
      return true;
    }
    ahead.add(seq);
    if (!envelope.replay()) {
      requestResync();
    }
    return true;
  }

  private void onAck(Session session, ResyncAck ack) {
    ResyncSent request = null;
    for (int i = journal.size() - 1; i >= 0; i--) {
      if (journal.get(i) instanceof ResyncSent sent
          && sent.session() == session.number
          && sent.lastSeq() == ack.lastSequence()) {
        request = sent;
        break;
      }
    }
    journal.add(
        new Acked(
            host.now(),
            session.number,
            ack.lastSequence(),
            request == null ? null : request.epoch(),
            ack));
    // RealtimeClient.settleAfterResync: what is still missing is gone for good.
    resyncPending = false;
    track();
    if (!ahead.isEmpty()) {
      lastSeq = Math.max(lastSeq, ahead.last());
      ahead.clear();
    }
  }

  /** Sends a resync from the watermark, on another thread, as RealtimeClient does. */
  private void requestResync() {
    Session session = current;
    if (resyncPending || session == null || session.closed) {
      return;
    }
    resyncPending = true;
    track();
    journal.add(new ResyncSent(host.now(), session.number, lastSeq, epoch));
    String request =
        "{\"type\":\"resync\",\"data\":{\"channel\":\"events\",\"last_sequence\":"
            + lastSeq
            + (epoch == null ? "" : ",\"epoch\":\"" + epoch + "\"")
            + "}}";
    host.schedule(
        () -> {
          ProtocolSession protocol = session.protocol;
          if (protocol != null && !session.closed) {
            protocol.onText(request);
          }
        },
        0);
  }

  /** Stops reconnecting and goes away. */
  void stop() {
    Session session;
    synchronized (this) {
      stopped = true;
      session = current;
      current = null;
    }
    if (session != null) {
      Node.Live live = host.node(session.instance).live();
      if (live != null) {
        live.registry().unregister(session.id);
      }
    }
  }

  /** Whether it is connected and not waiting for a resync's answer. */
  synchronized boolean settled() {
    return current != null && !resyncPending;
  }

  /** Notes when it stops, or starts again, being connected and answered. */
  private void track() {
    if (current != null && !resyncPending) {
      unsettledSince = -1;
    } else if (unsettledSince < 0) {
      unsettledSince = host.now();
    }
  }

  /**
   * How long it has been neither connected nor answered without a break: 0 while it is.
   *
   * @return nanoseconds
   */
  synchronized long stuckNanos() {
    return unsettledSince < 0 ? 0 : host.now() - unsettledSince;
  }

  synchronized List<Entry> journal() {
    return List.copyOf(journal);
  }

  @Override
  public String toString() {
    return name + " (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
