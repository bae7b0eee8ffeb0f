package io.realtime.redis.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this instance saw of each stream channel, from its own observations only (its appends'
 * positions, its reads of the history, the live messages it received; never a client's offset, so
 * that no client can start a new epoch): the epoch seen last, the highest offset seen in it (the
 * high-water mark the scripts compare the counter with), the SHA-1 of the frame seen at that offset
 * (the scripts compare it with the frame the history holds there, so that a counter pushed past the
 * mark after a rollback is noticed too) and the last live offset. Live messages of one channel
 * arrive with strictly increasing offsets, so a live offset not above the last one means Redis's
 * counter went back; the epoch is then marked as gone back, and stays so (nothing more of it is
 * noted) until a script answers with another epoch: the next append or read of this instance ends
 * it, should fencing it right away fail. The last few epochs this instance left are remembered too:
 * one that comes back (Redis restarted from a snapshot taken before the epoch changed) is older
 * data, and is ended like an epoch gone back. Whether a channel's stream is known to be persistent
 * (this instance appended it without retention, or read it without TTL) is noted too: only such a
 * stream vanishing is a loss. Any other (appended with a retention, read with a TTL, or only heard
 * live, which tells nothing of its retention) vanishing is taken to have expired, so its read
 * answers empty, creates nothing, and the channel is forgotten: a read must never take an expired
 * job stream for a loss and leave a new epoch key without TTL behind. Bounded: the channels used
 * least recently are forgotten first.
 *
 * <p>Thread-safe. This class is internal and is hence not for public use.
 */
public final class StreamMarks {

  /**
   * What was seen of one channel.
   *
   * @param epoch the epoch seen last
   * @param highest the highest offset seen in it
   * @param digest the SHA-1 (lower-case hex) of the frame seen at {@code highest}, {@code ""} if
   *     not known
   * @param lastLive the offset of the last live message in it, {@code 0} for none
   * @param wentBack whether its offsets were seen going back: the epoch must end
   * @param left the epochs this instance left, latest first, comma-separated ({@code ""} for none)
   * @param leftHighest the highest offset seen in each epoch of {@code left}, in the same order
   */
  public record Mark(
      String epoch,
      long highest,
      String digest,
      long lastLive,
      boolean wentBack,
      String left,
      String leftHighest) {

    /**
     * A mark that left no epoch yet.
     *
     * @param epoch the epoch seen last
     * @param highest the highest offset seen in it
     * @param digest the SHA-1 of the frame seen at {@code highest}, {@code ""} if not known
     * @param lastLive the offset of the last live message in it, {@code 0} for none
     * @param wentBack whether its offsets were seen going back
     */
    public Mark(String epoch, long highest, String digest, long lastLive, boolean wentBack) {
      this(epoch, highest, digest, lastLive, wentBack, "", "");
    }

    /**
     * Returns the highest offset seen in an epoch this instance left.
     *
     * @param other an epoch
     * @return the offset, or {@code -1} if {@code other} was not left
     */
    public long highestLeft(String other) {
      if (left.isEmpty()) {
        return -1;
      }
      String[] epochs = left.split(",");
      String[] offsets = leftHighest.split(",");
      for (int i = 0; i < epochs.length; i++) {
        if (epochs[i].equals(other)) {
          return Long.parseLong(offsets[i]);
        }
      }
      return -1;
    }

    /**
     * Tells whether this instance left an epoch: seeing it again means Redis went back to data
     * older than the epoch it moved to.
     *
     * @param other an epoch
     * @return {@code true} if {@code other} was left
     */
    public boolean hasLeft(String other) {
      return highestLeft(other) >= 0;
    }
  }

  /** How many epochs left are remembered per channel. */
  static final int EPOCHS_LEFT = 4;

  private final Map<String, Mark> marks;
  private final Map<String, Boolean> persistent;

  /**
   * Creates the marks.
   *
   * @param capacity how many channels are remembered
   */
  public StreamMarks(int capacity) {
    this.marks =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Mark> eldest) {
            return size() > capacity;
          }
        };
    this.persistent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Notes whether a channel's stream expires: appended with a retention or read with a TTL, or
   * appended without (its keys made persistent).
   *
   * @param channel the channel
   * @param expires whether it expires
   */
  public synchronized void expires(String channel, boolean expires) {
    if (expires) {
      persistent.remove(channel);
    } else {
      persistent.put(channel, Boolean.TRUE);
    }
  }

  /**
   * Tells whether a channel's stream is known to be persistent: only then is its vanishing a loss.
   * Unknown (only heard live, or forgotten) counts as expiring, so that a read creates nothing.
   *
   * @param channel the channel
   * @return {@code true} if it was last appended without retention or read without TTL
   */
  public synchronized boolean persistent(String channel) {
    return persistent.containsKey(channel);
  }

  /**
   * Forgets a channel: its stream expired, so nothing of it is left to compare with.
   *
   * @param channel the channel
   */
  public synchronized void forget(String channel) {
    marks.remove(channel);
    persistent.remove(channel);
  }

  /**
   * Returns what was seen of a channel.
   *
   * @param channel the channel
   * @return the mark, or {@code null} if nothing was seen (or it was forgotten)
   */
  public synchronized Mark get(String channel) {
    return marks.get(channel);
  }

  /**
   * Notes an offset read or appended: the channel's mark moves to the epoch, or up in it.
   *
   * @param channel the channel
   * @param epoch the epoch
   * @param seq the offset, {@code 0} when the history is empty
   * @param digest the SHA-1 of the frame at {@code seq}, {@code ""} if not known
   */
  public synchronized void observed(String channel, String epoch, long seq, String digest) {
    Mark mark = marks.get(channel);
    if (mark == null) {
      marks.put(channel, new Mark(epoch, seq, digest, 0, false));
    } else if (mark.hasLeft(epoch)) {
      // a late answer from before the move: no script returns an epoch it was told was left
      return;
    } else if (!mark.epoch().equals(epoch)) {
      marks.put(channel, leaving(mark, new Mark(epoch, seq, digest, 0, false)));
    } else if (!mark.wentBack()) {
      marks.put(channel, raised(mark, seq, digest, mark.lastLive()));
    }
  }

  /**
   * Notes a live message, in the order the channel delivered them.
   *
   * @param channel the channel
   * @param epoch its epoch
   * @param seq its offset
   * @param digest the SHA-1 of its frame
   * @return {@code true} if its offset is not above the last live one of the same epoch (the
   *     counter went back; told once per epoch), or if it is of an epoch this instance left and
   *     above what was seen of it there (Redis went back to older data and appends go on in it; a
   *     late message of a left epoch, not above what was seen, is only lag); the mark stays where
   *     it was
   */
  public synchronized boolean heardLive(String channel, String epoch, long seq, String digest) {
    Mark mark = marks.get(channel);
    if (mark == null) {
      marks.put(channel, new Mark(epoch, seq, digest, seq, false));
      return false;
    }
    if (!mark.epoch().equals(epoch)) {
      long seenThere = mark.highestLeft(epoch);
      if (seenThere >= 0) {
        return seq > seenThere;
      }
      marks.put(channel, leaving(mark, new Mark(epoch, seq, digest, seq, false)));
      return false;
    }
    if (mark.wentBack()) {
      return false;
    }
    if (mark.lastLive() > 0 && seq <= mark.lastLive()) {
      // frozen: what arrives next of this epoch reuses offsets and must not move the mark
      marks.put(
          channel,
          new Mark(
              epoch,
              mark.highest(),
              mark.digest(),
              mark.lastLive(),
              true,
              mark.left(),
              mark.leftHighest()));
      return true;
    }
    marks.put(channel, raised(mark, seq, digest, seq));
    return false;
  }

  /** The mark up to {@code seq} if above it; the digest is learnt if it was missing. */
  private static Mark raised(Mark mark, long seq, String digest, long lastLive) {
    if (seq > mark.highest()) {
      return new Mark(mark.epoch(), seq, digest, lastLive, false, mark.left(), mark.leftHighest());
    }
    if (seq == mark.highest() && mark.digest().isEmpty()) {
      return new Mark(mark.epoch(), seq, digest, lastLive, false, mark.left(), mark.leftHighest());
    }
    return new Mark(
        mark.epoch(),
        mark.highest(),
        mark.digest(),
        lastLive,
        false,
        mark.left(),
        mark.leftHighest());
  }

  /** {@code next}, having left {@code mark}'s epoch: the latest epochs left first, bounded. */
  private static Mark leaving(Mark mark, Mark next) {
    StringBuilder left = new StringBuilder(mark.epoch());
    StringBuilder highest =
        new StringBuilder(Long.toString(Math.max(mark.highest(), mark.lastLive())));
    if (!mark.left().isEmpty()) {
      String[] epochs = mark.left().split(",");
      String[] offsets = mark.leftHighest().split(",");
      for (int i = 0; i < epochs.length && i + 1 < EPOCHS_LEFT; i++) {
        if (!epochs[i].equals(next.epoch())) {
          left.append(',').append(epochs[i]);
          highest.append(',').append(offsets[i]);
        }
      }
    }
    return new Mark(
        next.epoch(),
        next.highest(),
        next.digest(),
        next.lastLive(),
        next.wentBack(),
        left.toString(),
        highest.toString());
  }
}
