package io.realtime.redis.internal;

/**
 * The Lua scripts that make stream channels atomic: one call assigns the offset, appends to the
 * bounded history and publishes; another reads the history with its epoch; a third fences an epoch
 * whose offsets went back. A missing epoch key means the history is new or Redis lost its data: a
 * new epoch is set and the offsets restart.
 *
 * <p>Redis can also come back with <em>older</em> data and the epoch key still there (a restart
 * from an older snapshot, a lagging replica promoted): the counter then hands out offsets already
 * used, which every instance that saw them drops as duplicates. So the append and read scripts take
 * the epoch the calling instance saw last, the highest offset it saw in it (its high-water mark)
 * and the SHA-1 of the frame it saw at that offset: if the stored epoch is that one but the counter
 * is below the mark, or the history holds another frame at the mark (an instance that saw nothing
 * pushed the reused counter past the mark), the data went back, and a new epoch starts (counter and
 * history dropped) before the script goes on. Once the frame at the mark is trimmed from the
 * history, only the counter can be compared. Readers then learn of the new epoch, and clients
 * resyncing from the old one are told nothing can be recovered.
 *
 * <p>Reading creates nothing: a stream with none of its keys reads as empty (epoch {@code ""})
 * unless the reader saw it and knows it to be persistent; only then did Redis lose it, and the read
 * starts a new epoch as an append would, so that readers learn of the hole. With a retention, an
 * append sets it on the stream's three keys; without, it removes any they had.
 *
 * <p>Keys: {@code KEYS[1]} the offset counter, {@code KEYS[2]} the history list, {@code KEYS[3]}
 * the epoch, and for an append with a message id {@code KEYS[4]}, that id's key; all share a hash
 * tag so that they live in one cluster slot, with the channel.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class StreamScripts {

  /**
   * {@code current_epoch(candidate, seen epoch, mark, digest, epochs left)}: the epoch, new if
   * absent, if its data went back, or if it is one the caller left (comma-separated; Redis came
   * back with data older than the caller's epoch). With the epoch the caller saw, the data went
   * back if the counter is below the mark, or if the frame at the mark (found from the oldest
   * frame's offset) is not the one the caller saw there: a fresh instance may have pushed the
   * reused counter past the mark. A frame trimmed from the history cannot be checked. The digest
   * {@code "-"} means the caller saw the offsets go back (live) and the epoch must end.
   */
  private static final String CURRENT_EPOCH =
      "local function went_back(mark, digest)\n"
          + "  if digest == '-' then\n"
          + "    return true\n"
          + "  end\n"
          + "  if tonumber(redis.call('GET', KEYS[1]) or '0') < mark then\n"
          + "    return true\n"
          + "  end\n"
          + "  if digest == '' or mark < 1 then\n"
          + "    return false\n"
          + "  end\n"
          + "  local first = redis.call('LINDEX', KEYS[2], 0)\n"
          + "  local found = first and string.match(first, '^\\30rt|(%d+)|')\n"
          + "  local oldest = found and tonumber(found)\n"
          + "  if not oldest or mark < oldest then\n"
          + "    return false\n"
          + "  end\n"
          + "  local at = redis.call('LINDEX', KEYS[2], mark - oldest)\n"
          + "  return not at or redis.sha1hex(at) ~= digest\n"
          + "end\n"
          + "local function current_epoch(candidate, seen, mark, digest, left)\n"
          + "  local epoch = redis.call('GET', KEYS[3])\n"
          + "  if epoch and epoch == seen and went_back(tonumber(mark), digest) then\n"
          + "    epoch = false\n"
          + "  elseif epoch and epoch ~= seen and left and left ~= ''\n"
          + "      and string.find(',' .. left .. ',', ',' .. epoch .. ',', 1, true) then\n"
          + "    epoch = false\n"
          + "  end\n"
          + "  if not epoch then\n"
          + "    epoch = candidate\n"
          + "    redis.call('SET', KEYS[3], epoch)\n"
          + "    redis.call('DEL', KEYS[1], KEYS[2])\n"
          + "  end\n"
          + "  return epoch\n"
          + "end\n";

  /**
   * ARGV: epoch candidate, channel, payload, history size, publish command, deduplication window in
   * milliseconds, the epoch the caller saw last ({@code ""} for none), its high-water mark in it,
   * the digest of the frame it saw at the mark ({@code ""} for none), the epochs it left
   * (comma-separated, {@code ""} for none), the retention in milliseconds ({@code 0} for none: the
   * keys are made persistent, so that no earlier retention lingers). Returns {seq, epoch, 1 if the
   * message id was already stored (nothing stored or published) else 0, the frame's digest}. The
   * id's key holds {@code seq|epoch} for the window, whatever the retention.
   */
  public static final String APPEND =
      CURRENT_EPOCH
          + "local epoch = current_epoch(ARGV[1], ARGV[7], ARGV[8], ARGV[9], ARGV[10])\n"
          + "if KEYS[4] then\n"
          + "  local first = redis.call('GET', KEYS[4])\n"
          + "  if first then\n"
          + "    local bar = string.find(first, '|', 1, true)\n"
          + "    return {tonumber(string.sub(first, 1, bar - 1)), string.sub(first, bar + 1), 1, ''}\n"
          + "  end\n"
          + "end\n"
          + "local seq = redis.call('INCR', KEYS[1])\n"
          + "local frame = '\\30rt|' .. seq .. '|' .. epoch .. '|' .. ARGV[3]\n"
          + "redis.call('RPUSH', KEYS[2], frame)\n"
          + "redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)\n"
          + "if KEYS[4] then\n"
          + "  redis.call('SET', KEYS[4], seq .. '|' .. epoch, 'PX', ARGV[6])\n"
          + "end\n"
          + "for i = 1, 3 do\n"
          + "  if ARGV[11] ~= '0' then\n"
          + "    redis.call('PEXPIRE', KEYS[i], ARGV[11])\n"
          + "  else\n"
          + "    redis.call('PERSIST', KEYS[i])\n"
          + "  end\n"
          + "end\n"
          + "redis.call(ARGV[5], ARGV[2], frame)\n"
          + "return {seq, epoch, 0, redis.sha1hex(frame)}\n";

  /**
   * ARGV: epoch candidate, offset, the epoch the caller saw last ({@code ""} for none), its
   * high-water mark in it, the digest of the frame it saw there ({@code ""} for none), the epochs
   * it left (comma-separated, {@code ""} for none), {@code 0} if the caller knows the stream to be
   * persistent (else {@code 1}: it may have expired). Returns {epoch, latest, oldest frame or nil,
   * frames after the offset, digest of the newest frame or "", the epoch key's PTTL}: only the part
   * of the history a reader needs crosses the network, whatever it asks. A stream without keys that
   * the caller never saw, or does not know to be persistent, answers the epoch {@code ""} and is
   * left absent.
   */
  public static final String SINCE =
      CURRENT_EPOCH
          + "if (ARGV[3] == '' or ARGV[7] == '1')\n"
          + "    and redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[3]) == 0 then\n"
          + "  return {'', '0', false, {}, '', -2}\n"
          + "end\n"
          + "local epoch = current_epoch(ARGV[1], ARGV[3], ARGV[4], ARGV[5], ARGV[6])\n"
          + "local latest = redis.call('GET', KEYS[1]) or '0'\n"
          + "local first = redis.call('LINDEX', KEYS[2], 0)\n"
          + "local start = 0\n"
          + "if first then\n"
          + "  local oldest = tonumber(string.match(first, '^\\30rt|(%d+)|'))\n"
          + "  local offset = tonumber(ARGV[2])\n"
          + "  if oldest and offset and offset >= oldest then\n"
          + "    start = offset - oldest + 1\n"
          + "  end\n"
          + "end\n"
          + "local frames = {}\n"
          + "if start < redis.call('LLEN', KEYS[2]) then\n"
          + "  frames = redis.call('LRANGE', KEYS[2], start, -1)\n"
          + "end\n"
          + "local newest = redis.call('LINDEX', KEYS[2], -1)\n"
          + "local digest = ''\n"
          + "if newest and string.match(newest, '^\\30rt|(%d+)|') == latest then\n"
          + "  digest = redis.sha1hex(newest)\n"
          + "end\n"
          + "return {epoch, latest, first or false, frames, digest, redis.call('PTTL', KEYS[3])}\n";

  /**
   * Ends an epoch whose offsets were seen going back (a live message not above the last one): ARGV:
   * epoch candidate, the epoch seen going back. If that epoch is still the stored one, the
   * candidate replaces it (counter and history dropped), keeping the stream's remaining retention
   * if it has one; otherwise another instance fenced it already. Returns the epoch now stored.
   */
  public static final String FENCE =
      "local epoch = redis.call('GET', KEYS[3])\n"
          + "if epoch == ARGV[2] then\n"
          + "  epoch = ARGV[1]\n"
          + "  local ttl = redis.call('PTTL', KEYS[3])\n"
          + "  redis.call('SET', KEYS[3], epoch)\n"
          + "  if ttl > 0 then\n"
          + "    redis.call('PEXPIRE', KEYS[3], ttl)\n"
          + "  end\n"
          + "  redis.call('DEL', KEYS[1], KEYS[2])\n"
          + "end\n"
          + "return epoch or false\n";

  private StreamScripts() {}
}
