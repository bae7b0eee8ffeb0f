package io.realtime.examples;

import io.realtime.metrics.postgres.PostgresConnections;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The launcher's command-line flags.
 *
 * @param port the listen port
 * @param redisUri the Redis URI, or {@code null} for the in-memory transport
 * @param apiKeys API keys to require; empty for none
 * @param token the token to require, or {@code null}
 * @param statusInterval the system status period
 * @param pingInterval the heartbeat period
 * @param idleTimeout the idle timeout
 * @param instanceId this instance's id, or {@code null} for a random one
 * @param simulator whether the simulated pipeline runs
 * @param help whether {@code --help} was asked
 * @param postgresUrl the JDBC URL of the PostgreSQL source, or {@code null} for none
 * @param nvmlLibrary the NVML library to load, or {@code null} for the simulated GPU (or, without
 *     the simulator, the system's NVML)
 * @param aiHealth AI model name to its base URL, probed on {@code /health}
 * @param llmSlotsUrl the llama.cpp server whose {@code /slots} fill {@code ai_models.nemotron}, or
 *     {@code null}
 * @param breakerRecovery how long the broadcasters' circuit breakers stay open, and the longest
 *     wait between their attempts to reach the transport again
 */
public record LauncherOptions(
    int port,
    String redisUri,
    List<String> apiKeys,
    String token,
    Duration statusInterval,
    Duration pingInterval,
    Duration idleTimeout,
    String instanceId,
    boolean simulator,
    boolean help,
    String postgresUrl,
    String nvmlLibrary,
    Map<String, URI> aiHealth,
    URI llmSlotsUrl,
    Duration breakerRecovery) {

  /** The text of {@code --help}. */
  public static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar realtime-standalone.jar [options]",
          "",
          "Serves /ws/events, /ws/system and /ws/jobs/{job_id}/logs, with a simulated pipeline.",
          "",
          "  --port N               listen port (default 8080)",
          "  --redis URI            use the Redis transport, e.g. redis://127.0.0.1:6379 (default in-memory)",
          "  --api-key K            require an API key; repeatable (default none)",
          "  --token T              require a token (default none)",
          "  --status-interval D    status period, e.g. 500ms, 5s (default 5s)",
          "  --ping-interval D      heartbeat period (default 30s)",
          "  --idle-timeout D       idle timeout (default 300s)",
          "  --instance-id ID       this instance's id (default random)",
          "  --no-simulator         turn the simulated pipeline off",
          "  --postgres JDBC_URL    PostgreSQL metrics, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres",
          "  --nvml-lib PATH        GPU metrics from this NVML library (then nvidia-smi, then --health)",
          "  --health NAME=URL      an AI model's health from URL/health; repeatable",
          "  --llm-slots URL        llama.cpp slots from URL/slots, as ai_models.nemotron",
          "  --breaker-recovery D   how long a circuit breaker stays open, and the longest wait",
          "                         between attempts to reach Redis again (default 30s)",
          "  --help                 show this help",
          "",
          "The dashboard is at http://localhost:PORT/ (add ?api_key=K when keys are required).",
          "Host CPU, RAM and disk are always measured. A source given by a flag replaces the",
          "simulated one.",
          "");

  /**
   * Parses the flags.
   *
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException naming the bad flag or value (never a secret's value)
   */
  public static LauncherOptions parse(String... args) {
    int port = 8080;
    String redis = null;
    List<String> keys = new ArrayList<>();
    String token = null;
    Duration status = Duration.ofSeconds(5);
    Duration ping = Duration.ofSeconds(30);
    Duration idle = Duration.ofSeconds(300);
    String instance = null;
    boolean simulator = true;
    boolean help = false;
    String postgres = null;
    String nvml = null;
    Map<String, URI> health = new LinkedHashMap<>();
    URI slots = null;
    Duration breakerRecovery = Duration.ofSeconds(30);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      switch (flag) {
        case "--help", "-h" -> help = true;
        case "--no-simulator" -> simulator = false;
        case "--port" -> port = port(value(args, ++i, flag));
        case "--redis" -> redis = value(args, ++i, flag);
        case "--api-key" -> keys.add(value(args, ++i, flag));
        case "--token" -> token = value(args, ++i, flag);
        case "--status-interval" -> status = duration(flag, value(args, ++i, flag));
        case "--ping-interval" -> ping = duration(flag, value(args, ++i, flag));
        case "--idle-timeout" -> idle = duration(flag, value(args, ++i, flag));
        case "--instance-id" -> instance = value(args, ++i, flag);
        case "--postgres" -> postgres = jdbcUrl(value(args, ++i, flag));
        case "--nvml-lib" -> nvml = value(args, ++i, flag);
        case "--health" -> health(health, value(args, ++i, flag));
        case "--llm-slots" -> slots = url(flag, value(args, ++i, flag));
        case "--breaker-recovery" -> breakerRecovery = duration(flag, value(args, ++i, flag));
        default -> throw new IllegalArgumentException("unknown option '" + flag + "' (see --help)");
      }
    }
    return new LauncherOptions(
        port,
        redis,
        List.copyOf(keys),
        token,
        status,
        ping,
        idle,
        instance,
        simulator,
        help,
        postgres,
        nvml,
        Collections.unmodifiableMap(health),
        slots,
        breakerRecovery);
  }

  private static String jdbcUrl(String text) {
    if (!text.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "--postgres must be a jdbc:postgresql: URL, got '"
              + PostgresConnections.redact(text)
              + "'");
    }
    return text;
  }

  private static void health(Map<String, URI> health, String text) {
    int equals = text.indexOf('=');
    if (equals < 1) {
      throw new IllegalArgumentException("--health must be NAME=URL, got '" + text + "'");
    }
    String name = text.substring(0, equals);
    if (health.put(name, url("--health", text.substring(equals + 1))) != null) {
      throw new IllegalArgumentException("--health names '" + name + "' twice");
    }
  }

  private static URI url(String flag, String text) {
    try {
      URI uri = new URI(text);
      if ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " needs an http(s) URL, got '" + text + "'");
  }

  private static String value(String[] args, int index, String flag) {
    if (index >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value (see --help)");
    }
    return args[index];
  }

  private static int port(String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--port must be from 0 to 65535, got '" + text + "'");
  }

  /**
   * Parses a duration such as {@code 500ms}, {@code 5s} or {@code 2m}.
   *
   * @param flag the flag, for the message
   * @param text the value
   * @return the duration
   */
  static Duration duration(String flag, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return positive(
            flag, text, Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2))));
      }
      if (value.endsWith("s")) {
        return positive(
            flag, text, Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1))));
      }
      if (value.endsWith("m")) {
        return positive(
            flag, text, Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1))));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        flag + " must be a duration such as 500ms, 5s or 2m, got '" + text + "'");
  }

  private static Duration positive(String flag, String text, Duration duration) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(flag + " must be positive, got '" + text + "'");
    }
    return duration;
  }

  @Override
  public String toString() {
    return "LauncherOptions[port="
        + port
        + ", transport="
        + (redisUri == null ? "in-memory" : "redis")
        + ", apiKeys="
        + apiKeys.size()
        + ", token="
        + (token == null ? "none" : "****")
        + ", statusInterval="
        + statusInterval
        + ", pingInterval="
        + pingInterval
        + ", idleTimeout="
        + idleTimeout
        + ", simulator="
        + simulator
        + ", postgres="
        + (postgresUrl == null ? "none" : PostgresConnections.redact(postgresUrl))
        + ", nvmlLibrary="
        + nvmlLibrary
        + ", aiHealth="
        + aiHealth
        + ", llmSlots="
        + llmSlotsUrl
        + ", breakerRecovery="
        + breakerRecovery
        + "]";
  }
}
