package io.realtime.redis.internal;

/**
 * The Lua scripts that make stream channels atomic: one call assigns the offset, appends to the
 * bounded history and publishes; another reads the history with its epoch. A missing epoch key
 * means the history is new or Redis lost its data: a new epoch is set and the offsets restart.
 *
 * <p>Keys: {@code KEYS[1]} the offset counter, {@code KEYS[2]} the history list, {@code KEYS[3]}
 * the epoch; all three share a hash tag so that they live in one cluster slot, with the channel.
 *
 * <p>This class is internal and is hence not for public use.
 */
public final class StreamScripts {

  private static final String ENSURE_EPOCH =
      "local epoch = redis.call('GET', KEYS[3])\n"
          + "if not epoch then\n"
          + "  epoch = ARGV[1]\n"
          + "  redis.call('SET', KEYS[3], epoch)\n"
          + "  redis.call('DEL', KEYS[1], KEYS[2])\n"
          + "end\n";

  /**
   * ARGV: epoch candidate, channel, payload, history size, publish command. Returns {seq, epoch}.
   */
  public static final String APPEND =
      ENSURE_EPOCH
          + "local seq = redis.call('INCR', KEYS[1])\n"
          + "local frame = '\\30rt|' .. seq .. '|' .. epoch .. '|' .. ARGV[3]\n"
          + "redis.call('RPUSH', KEYS[2], frame)\n"
          + "redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)\n"
          + "redis.call(ARGV[5], ARGV[2], frame)\n"
          + "return {seq, epoch}\n";

  /**
   * ARGV: epoch candidate, offset. Returns {epoch, latest, oldest frame or nil, frames after the
   * offset}: only the part of the history a reader needs crosses the network, whatever it asks.
   */
  public static final String SINCE =
      ENSURE_EPOCH
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
          + "return {epoch, latest, first or false, frames}\n";

  private StreamScripts() {}
}
