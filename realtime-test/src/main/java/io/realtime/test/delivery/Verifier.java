package io.realtime.test.delivery;

import io.realtime.connection.CloseReason;
import io.realtime.message.ResyncAck;
import io.realtime.test.delivery.Journal.Acked;
import io.realtime.test.delivery.Journal.Closed;
import io.realtime.test.delivery.Journal.Connected;
import io.realtime.test.delivery.Journal.Delivered;
import io.realtime.test.delivery.Journal.Entry;
import io.realtime.test.delivery.Journal.Notice;
import io.realtime.test.delivery.Journal.ResyncSent;
import io.realtime.transport.StreamPosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Checks the invariants over the clients' journals and the publishers' receipts. */
final class Verifier {

  private static final int EXCERPT_LINES = 40;

  /** Losses first: they matter most and their excerpts are the longest. */
  private static final java.util.Comparator<Invariant> RANK =
      java.util.Comparator.comparing(
          i ->
              List.of(Invariant.LOSS, Invariant.LOCAL_ONLY, Invariant.DUPLICATE, Invariant.ORDER)
                  .indexOf(i));

  /** What a check found. */
  record Result(
      List<Violation> violations, long announcedLost, long deliveries, long repeatedLocalCopies) {}

  /**
   * Offsets {@code from < seq < to} of an epoch that a client was told it may lack; a {@code null}
   * epoch stands for every epoch but {@code except} (a 1013 that no resync answered: the client
   * learned nothing of the epochs after its own). When the end is not known ({@code to} is {@link
   * Long#MAX_VALUE} with a {@code limitNanos}), only events acknowledged before the notice are
   * covered: a notice never excuses what comes after it.
   */
  private record Told(
      String epoch, String except, long from, long to, long limitNanos, String why) {
    Told(String epoch, long from, long to, long limitNanos, String why) {
      this(epoch, null, from, to, limitNanos, why);
    }

    boolean covers(StreamPosition position, long acknowledgedNanos) {
      boolean inEpoch =
          epoch == null ? !position.epoch().equals(except) : epoch.equals(position.epoch());
      return inEpoch
          && position.seq() > from
          && position.seq() < to
          && acknowledgedNanos <= limitNanos;
    }
  }

  private final long startOfRun;

  Verifier(long startOfRun) {
    this.startOfRun = startOfRun;
  }

  /** A client neither connected nor answered for longer than this never caught up. */
  static final long STUCK_NANOS = 5_000_000_000L;

  Result check(Collection<SimClient> clients, Collection<PublishRecord> published) {
    List<Violation> violations = new ArrayList<>();
    long announced = 0;
    long deliveries = 0;
    long repeated = 0;
    for (SimClient client : clients) {
      List<Entry> journal = client.journal();
      deliveries += journal.stream().filter(Delivered.class::isInstance).count();
      order(client, journal, violations);
      repeated += duplicates(client, journal, violations);
      announced += loss(client, journal, published, violations);
      localOnly(client, journal, published, violations);
      long stuck = client.stuckNanos();
      if (stuck > STUCK_NANOS) {
        violations.add(
            violation(
                Invariant.LOSS,
                client,
                "has not caught up for "
                    + stuck / 1_000_000
                    + " ms: it is not connected, or its resync has not been answered",
                journal,
                null,
                -1,
                -1));
      }
    }
    List<Violation> sorted = new ArrayList<>(violations);
    sorted.sort(java.util.Comparator.comparing(Violation::invariant, RANK));
    return new Result(List.copyOf(sorted), announced, deliveries, repeated);
  }

  /** Per connection and epoch: live offsets rise, each replay rises, no offset twice. */
  private void order(SimClient client, List<Entry> journal, List<Violation> violations) {
    Map<Integer, Map<String, Long>> lastLive = new HashMap<>();
    Map<Integer, Map<String, Long>> lastReplay = new HashMap<>();
    Map<Integer, Set<String>> seen = new HashMap<>();
    for (Entry entry : journal) {
      if (entry instanceof ResyncSent sent) {
        lastReplay.remove(sent.session());
      }
      if (!(entry instanceof Delivered d) || d.seq() == null) {
        continue;
      }
      String where = "on connection " + client.name + "-s" + d.session();
      if (!seen.computeIfAbsent(d.session(), s -> new HashSet<>()).add(d.epoch() + "#" + d.seq())) {
        violations.add(
            violation(
                Invariant.ORDER,
                client,
                "offset " + d.seq() + " of epoch " + d.epoch() + " sent twice " + where,
                journal,
                d.epoch(),
                d.seq(),
                d.seq()));
        continue;
      }
      Map<String, Long> last =
          (d.replay() ? lastReplay : lastLive).computeIfAbsent(d.session(), s -> new HashMap<>());
      Long previous = last.put(d.epoch(), d.seq());
      if (previous != null && d.seq() <= previous) {
        violations.add(
            violation(
                Invariant.ORDER,
                client,
                (d.replay() ? "replayed" : "live")
                    + " offset "
                    + d.seq()
                    + " of epoch "
                    + d.epoch()
                    + " came after "
                    + previous
                    + " "
                    + where
                    + " (event "
                    + d.eventId()
                    + ")",
                journal,
                d.epoch(),
                d.seq(),
                previous));
      }
    }
  }

  /**
   * An event reaching the application twice is a violation, with one exception the protocol cannot
   * avoid: a copy delivered without {@code seq} (the local path of a degraded instance) and, on a
   * later connection, a copy with {@code seq} (the same event, appended since, replayed or sent
   * live after the reconnect). A client cannot tell those apart by offset; they are counted, not
   * reported. Returns how many such repeats there were.
   */
  private long duplicates(SimClient client, List<Entry> journal, List<Violation> violations) {
    Map<Long, List<Delivered>> byId = new LinkedHashMap<>();
    for (Entry entry : journal) {
      if (entry instanceof Delivered d && d.accepted()) {
        byId.computeIfAbsent(d.eventId(), id -> new ArrayList<>()).add(d);
      }
    }
    long repeated = 0;
    List<String> examples = new ArrayList<>();
    int count = 0;
    Delivered first = null;
    for (Map.Entry<Long, List<Delivered>> copies : byId.entrySet()) {
      List<Delivered> all = copies.getValue();
      if (all.size() < 2) {
        continue;
      }
      if (all.size() == 2
          && all.get(0).seq() == null
          && all.get(1).seq() != null
          && all.get(0).session() != all.get(1).session()) {
        repeated++;
        continue;
      }
      count++;
      if (first == null) {
        first = all.get(0);
      }
      if (examples.size() < 5) {
        examples.add(
            "event "
                + copies.getKey()
                + " "
                + all.size()
                + " times: "
                + String.join(
                    "; ", all.stream().map(d -> describe(d) + " on s" + d.session()).toList()));
      }
    }
    if (count > 0) {
      Delivered at = first;
      violations.add(
          violation(
              Invariant.DUPLICATE,
              client,
              count
                  + " event(s) reached the application more than once, e.g. "
                  + String.join(" | ", examples),
              journal,
              at.epoch(),
              at.seq() == null ? -1 : at.seq(),
              at.seq() == null ? -1 : at.seq()));
    }
    return repeated;
  }

  /** Returns how many missed events the client was told about. */
  private long loss(
      SimClient client,
      List<Entry> journal,
      Collection<PublishRecord> published,
      List<Violation> violations) {
    Long following = null;
    Set<Long> got = new HashSet<>();
    for (Entry entry : journal) {
      if (entry instanceof Delivered d && d.accepted()) {
        got.add(d.eventId());
        if (following == null && d.seq() != null) {
          following = d.nanos();
        }
      }
    }
    boolean anyAcknowledged = published.stream().anyMatch(r -> r.position() != null);
    if (following == null) {
      if (anyAcknowledged) {
        violations.add(
            violation(
                Invariant.LOSS,
                client,
                "never received a stream event, though events were acknowledged",
                journal,
                null,
                -1,
                -1));
      }
      return 0;
    }
    List<Told> told = told(journal);
    long announced = 0;
    Map<String, NavigableSet<Long>> missed = new TreeMap<>();
    Map<String, List<Long>> missedIds = new HashMap<>();
    for (PublishRecord record : published) {
      StreamPosition position = record.position();
      if (position == null || record.startNanos <= following || got.contains(record.id)) {
        continue;
      }
      long acknowledged = record.doneNanos();
      if (told.stream().anyMatch(t -> t.covers(position, acknowledged))) {
        announced++;
        continue;
      }
      missed.computeIfAbsent(position.epoch(), e -> new TreeSet<>()).add(position.seq());
      missedIds.computeIfAbsent(position.epoch(), e -> new ArrayList<>()).add(record.id);
    }
    for (Map.Entry<String, NavigableSet<Long>> lost : missed.entrySet()) {
      List<Long> ids = missedIds.get(lost.getKey());
      violations.add(
          violation(
              Invariant.LOSS,
              client,
              "never got "
                  + lost.getValue().size()
                  + " acknowledged event(s) of epoch "
                  + lost.getKey()
                  + " at offsets "
                  + ranges(lost.getValue())
                  + " (ids "
                  + ids.subList(0, Math.min(10, ids.size()))
                  + (ids.size() > 10 ? " …" : "")
                  + "), and was never told: no 1013, gap_too_old, recovered:false or new epoch"
                  + " covers them"
                  + (told.isEmpty()
                      ? ""
                      : "; it was told only of "
                          + told.stream().map(Told::why).distinct().limit(5).toList()),
              journal,
              lost.getKey(),
              lost.getValue().first(),
              lost.getValue().last()));
    }
    return announced;
  }

  /** The discontinuities the client was told of, replaying its watermark as it moved. */
  private List<Told> told(List<Entry> journal) {
    List<Told> told = new ArrayList<>();
    String epoch = null;
    long lastSeq = 0;
    NavigableSet<Long> ahead = new TreeSet<>();
    for (int k = 0; k < journal.size(); k++) {
      Entry entry = journal.get(k);
      if (entry instanceof Delivered d && d.seq() != null && d.accepted()) {
        if (epoch != null && !epoch.equals(d.epoch())) {
          String why = "moved from epoch " + epoch + " to " + d.epoch() + " at " + at(d.nanos());
          told.add(new Told(epoch, lastSeq, Long.MAX_VALUE, Long.MAX_VALUE, why));
          told.add(new Told(d.epoch(), 0, d.seq(), Long.MAX_VALUE, why));
          lastSeq = 0;
          ahead.clear();
        }
        epoch = d.epoch();
        if (lastSeq == 0 || d.seq() == lastSeq + 1) {
          lastSeq = d.seq();
          while (ahead.remove(lastSeq + 1)) {
            lastSeq++;
          }
        } else if (d.seq() > lastSeq) {
          ahead.add(d.seq());
        }
      } else if (entry instanceof Acked acked) {
        ackTold(journal, k, acked, told);
        if (!ahead.isEmpty()) {
          lastSeq = Math.max(lastSeq, ahead.last());
          ahead.clear();
        }
      } else if (entry instanceof Closed closed
          && !closed.byClient()
          && closed.code() == CloseReason.TRY_AGAIN_LATER
          && epoch != null
          && journal.subList(k, journal.size()).stream().noneMatch(Acked.class::isInstance)) {
        String why = "closed 1013 at " + at(closed.nanos()) + " and no resync answered after it";
        told.add(new Told(epoch, lastSeq, Long.MAX_VALUE, Long.MAX_VALUE, why));
        told.add(new Told(null, epoch, 0, Long.MAX_VALUE, Long.MAX_VALUE, why));
      }
    }
    return told;
  }

  private void ackTold(List<Entry> journal, int k, Acked acked, List<Told> told) {
    ResyncAck ack = acked.ack();
    boolean tooOld = Boolean.TRUE.equals(ack.gapTooOld());
    if (!tooOld && !Boolean.FALSE.equals(ack.recovered())) {
      return;
    }
    String requestEpoch = acked.requestEpoch();
    String ackEpoch = ack.epoch() != null ? ack.epoch() : requestEpoch;
    if (ackEpoch == null) {
      return;
    }
    boolean sameEpoch = requestEpoch == null || requestEpoch.equals(ackEpoch);
    long from = sameEpoch ? acked.requestLastSeq() : 0;
    String why =
        "resync_ack at "
            + at(acked.nanos())
            + (tooOld ? " gap_too_old (oldest " + ack.oldestAvailable() + ")" : "")
            + (Boolean.FALSE.equals(ack.recovered()) ? " recovered:false" : "")
            + " in epoch "
            + ackEpoch;
    if (tooOld) {
      told.add(new Told(ackEpoch, from, ack.oldestAvailable(), Long.MAX_VALUE, why));
    }
    if (!Boolean.FALSE.equals(ack.recovered())) {
      return;
    }
    if (!sameEpoch) {
      told.add(new Told(requestEpoch, acked.requestLastSeq(), Long.MAX_VALUE, Long.MAX_VALUE, why));
    }
    if (sameEpoch && tooOld) {
      return;
    }
    // The hole it was told of ends where the client next got something of that epoch.
    int requestIndex = k;
    for (int i = k - 1; i >= 0; i--) {
      if (journal.get(i) instanceof ResyncSent sent
          && sent.session() == acked.session()
          && sent.lastSeq() == acked.requestLastSeq()) {
        requestIndex = i;
        break;
      }
    }
    Long next = null;
    for (int i = requestIndex; i < journal.size(); i++) {
      if (journal.get(i) instanceof Delivered d
          && ackEpoch.equals(d.epoch())
          && d.seq() != null
          && d.seq() > from) {
        next = next == null ? d.seq() : Math.min(next, d.seq());
      }
    }
    told.add(
        next != null
            ? new Told(ackEpoch, from, next, Long.MAX_VALUE, why)
            : new Told(ackEpoch, from, Long.MAX_VALUE, acked.nanos(), why));
  }

  /** LOCAL_ONLY events reach each client of their instance whose connection stayed open. */
  private void localOnly(
      SimClient client,
      List<Entry> journal,
      Collection<PublishRecord> published,
      List<Violation> violations) {
    Set<Long> got = new HashSet<>();
    Map<Integer, Connected> sessions = new HashMap<>();
    Set<Integer> closed = new HashSet<>();
    for (Entry entry : journal) {
      if (entry instanceof Delivered d && d.accepted()) {
        got.add(d.eventId());
      } else if (entry instanceof Connected c) {
        sessions.put(c.session(), c);
      } else if (entry instanceof Closed c) {
        closed.add(c.session());
      }
    }
    List<Long> missed = new ArrayList<>();
    for (PublishRecord record : published) {
      if (!record.localOnly() || got.contains(record.id)) {
        continue;
      }
      boolean local =
          sessions.values().stream()
              .anyMatch(
                  c ->
                      c.instance() == record.instance
                          && c.nanos() < record.startNanos
                          && !closed.contains(c.session()));
      if (local) {
        missed.add(record.id);
      }
    }
    if (!missed.isEmpty()) {
      violations.add(
          violation(
              Invariant.LOCAL_ONLY,
              client,
              "never got "
                  + missed.size()
                  + " event(s) published LOCAL_ONLY on its own instance while its connection"
                  + " stayed open: ids "
                  + missed.subList(0, Math.min(10, missed.size()))
                  + (missed.size() > 10 ? " …" : ""),
              journal,
              null,
              -1,
              -1));
    }
  }

  private Violation violation(
      Invariant invariant,
      SimClient client,
      String detail,
      List<Entry> journal,
      String epoch,
      long low,
      long high) {
    return new Violation(invariant, client.toString(), detail, excerpt(journal, epoch, low, high));
  }

  /** The client's connections, closes, notices and resyncs, and the deliveries near the offsets. */
  private String excerpt(List<Entry> journal, String epoch, long low, long high) {
    List<String> lines = new ArrayList<>();
    for (Entry entry : journal) {
      if (entry instanceof Delivered d) {
        boolean near =
            epoch != null
                && epoch.equals(d.epoch())
                && d.seq() != null
                && d.seq() >= low - 3
                && d.seq() <= high + 3;
        if (near) {
          lines.add(at(d.nanos()) + " s" + d.session() + " " + describe(d));
        }
      } else {
        lines.add(at(entry.nanos()) + " s" + entry.session() + " " + describe(entry));
      }
    }
    int skipped = Math.max(0, lines.size() - EXCERPT_LINES);
    List<String> kept = lines.subList(skipped, lines.size());
    return (skipped > 0 ? "  … " + skipped + " earlier lines\n" : "")
        + kept.stream().map(line -> "  " + line).reduce((a, b) -> a + "\n" + b).orElse("");
  }

  private String describe(Entry entry) {
    if (entry instanceof Delivered d) {
      return "event "
          + d.eventId()
          + (d.seq() == null
              ? " without seq (local path)"
              : " seq " + d.seq() + " epoch " + d.epoch())
          + (d.replay() ? " replay" : "")
          + (d.accepted() ? "" : " (dropped as already held)")
          + " from instance "
          + d.instance();
    }
    if (entry instanceof Connected c) {
      return "connected to instance " + c.instance();
    }
    if (entry instanceof Closed c) {
      return (c.byClient() ? "went away" : "closed by server " + c.code() + " " + c.reason());
    }
    if (entry instanceof Notice n) {
      return n.text();
    }
    if (entry instanceof ResyncSent r) {
      return "resync sent last_sequence=" + r.lastSeq() + " epoch=" + r.epoch();
    }
    if (entry instanceof Acked a) {
      ResyncAck ack = a.ack();
      return "resync_ack last_sequence="
          + ack.lastSequence()
          + " replayed_count="
          + ack.replayedCount()
          + (ack.gapTooOld() != null ? " gap_too_old oldest=" + ack.oldestAvailable() : "")
          + " epoch="
          + ack.epoch()
          + " recovered="
          + ack.recovered();
    }
    return Objects.toString(entry);
  }

  private String at(long nanos) {
    return Clock.format(nanos - startOfRun);
  }

  /** {@code 3-7, 9, 12-13} */
  private static String ranges(NavigableSet<Long> offsets) {
    StringBuilder text = new StringBuilder();
    Long start = null;
    Long previous = null;
    int written = 0;
    for (long offset : offsets) {
      if (previous != null && offset == previous + 1) {
        previous = offset;
        continue;
      }
      if (start != null) {
        written += append(text, start, previous);
      }
      start = offset;
      previous = offset;
      if (written >= 12) {
        text.append(", …");
        return text.toString();
      }
    }
    if (start != null) {
      append(text, start, previous);
    }
    return text.toString();
  }

  private static int append(StringBuilder text, long start, long end) {
    if (text.length() > 0) {
      text.append(", ");
    }
    text.append(start == end ? Long.toString(start) : start + "-" + end);
    return 1;
  }
}
