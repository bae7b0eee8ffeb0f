package io.realtime.examples;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import io.realtime.metrics.postgres.PostgresConnections;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

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
 * @param allowedOrigins browser origins accepted besides the server's own; {@code *} for all
 * @param trustedProxies proxy addresses whose {@code X-Forwarded-For} is believed
 * @param maxConnections the most connections open at once, all endpoints together
 * @param maxConnectionsPerAddress the most connections open at once from one client address
 * @param connectionRate connections per minute per client address (plus a burst of 2)
 * @param postgresPassword the PostgreSQL password from {@code PGPASSWORD}, or {@code null} (none,
 *     or the JDBC URL holds one)
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
    Duration breakerRecovery,
    List<String> allowedOrigins,
    List<String> trustedProxies,
    int maxConnections,
    int maxConnectionsPerAddress,
    int connectionRate,
    String postgresPassword) {

  /** The environment variable holding an API key. */
  public static final String API_KEY_VARIABLE = "REALTIME_API_KEY";

  /** The environment variable holding the token. */
  public static final String TOKEN_VARIABLE = "REALTIME_TOKEN";

  /** The environment variable holding the PostgreSQL password, as for {@code psql}. */
  public static final String POSTGRES_PASSWORD_VARIABLE = "PGPASSWORD";

  /** The largest secret file read. */
  private static final int MAX_SECRET_FILE_BYTES = 64 * 1024;

  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&;]password=");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:\\s]*):[^/@\\s]*@");

  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

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
          "  --api-key-file FILE    require the API keys in FILE, one a line; repeatable",
          "  --token T              require a token (default none)",
          "  --token-file FILE      require the token in FILE (its one line)",
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
          "  --allowed-origin ORIGIN  accept browsers from ORIGIN (scheme://host[:port]) besides",
          "                         the server's own; repeatable; * accepts every origin",
          "  --trusted-proxy ADDR   believe X-Forwarded-For from this proxy IP or CIDR block; repeatable",
          "  --max-connections N    connections open at once, all endpoints (default 10000)",
          "  --max-connections-per-address N",
          "                         connections open at once per client IP (default 1000)",
          "  --connection-rate N    new connections per minute per client IP, plus 2 (default 100)",
          "  --help                 show this help",
          "",
          "Secrets: REALTIME_API_KEY (one key) and REALTIME_TOKEN are read from the environment",
          "when no --api-key/--api-key-file or --token/--token-file is given; prefer them or the",
          "files to --api-key and --token, which other local users see in the process list.",
          "The PostgreSQL password is the JDBC URL's password= or else PGPASSWORD. Secrets are",
          "never logged.",
          "",
          "Browsers may connect only from the page's own origin (or --allowed-origin); clients",
          "without an Origin header (not browsers) are always accepted.",
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
    return parse(System.getenv(), args);
  }

  /**
   * Parses the flags, taking secrets the flags do not give from the environment.
   *
   * @param environment the environment variables ({@value #API_KEY_VARIABLE}, {@value
   *     #TOKEN_VARIABLE}, {@value #POSTGRES_PASSWORD_VARIABLE})
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException naming the bad flag, value or file (never a secret's value)
   */
  public static LauncherOptions parse(Map<String, String> environment, String... args) {
    int port = 8080;
    String redis = null;
    List<String> keys = new ArrayList<>();
    String token = null;
    String tokenFile = null;
    List<String> origins = new ArrayList<>();
    List<String> proxies = new ArrayList<>();
    int maxConnections = RealtimeWebSocket.DEFAULT_MAX_CONNECTIONS;
    int maxConnectionsPerAddress = RealtimeWebSocket.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    int connectionRate = SlidingWindowRateLimiter.DEFAULT_LIMIT;
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
        case "--api-key" -> keys.add(secret(flag, value(args, ++i, flag)));
        case "--api-key-file" -> keys.addAll(apiKeyFile(flag, value(args, ++i, flag)));
        case "--token" -> token = secret(flag, value(args, ++i, flag));
        case "--token-file" -> tokenFile = value(args, ++i, flag);
        case "--allowed-origin" -> origins.add(origin(flag, value(args, ++i, flag)));
        case "--trusted-proxy" -> proxies.add(proxyAddress(flag, value(args, ++i, flag)));
        case "--max-connections" -> maxConnections = atLeastOne(flag, value(args, ++i, flag));
        case "--max-connections-per-address" ->
            maxConnectionsPerAddress = atLeastOne(flag, value(args, ++i, flag));
        case "--connection-rate" -> connectionRate = atLeastOne(flag, value(args, ++i, flag));
        case "--status-interval" -> status = duration(flag, value(args, ++i, flag));
        case "--ping-interval" -> ping = duration(flag, value(args, ++i, flag));
        case "--idle-timeout" -> idle = duration(flag, value(args, ++i, flag));
        case "--instance-id" -> instance = value(args, ++i, flag);
        case "--postgres" -> postgres = jdbcUrl(value(args, ++i, flag));
        case "--nvml-lib" -> nvml = value(args, ++i, flag);
        case "--health" -> health(health, value(args, ++i, flag));
        case "--llm-slots" -> slots = url(flag, value(args, ++i, flag));
        case "--breaker-recovery" -> breakerRecovery = duration(flag, value(args, ++i, flag));
        default ->
            // A mistyped "--api-key=SECRET" must not print the secret: only the name is echoed.
            throw new IllegalArgumentException(
                "unknown option '"
                    + (flag.indexOf('=') < 0 ? flag : flag.substring(0, flag.indexOf('=')) + "=…")
                    + "' (see --help; values follow their flag after a space)");
      }
    }
    if (tokenFile != null) {
      if (token != null) {
        throw new IllegalArgumentException("give --token or --token-file, not both");
      }
      token = tokenFile("--token-file", tokenFile);
    }
    if (keys.isEmpty()) {
      String key = variable(environment, API_KEY_VARIABLE);
      if (key != null) {
        keys.add(key);
      }
    }
    if (token == null) {
      token = variable(environment, TOKEN_VARIABLE);
    }
    String postgresPassword =
        postgres == null || URL_PASSWORD.matcher(postgres).find()
            ? null
            : variable(environment, POSTGRES_PASSWORD_VARIABLE);
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
        breakerRecovery,
        List.copyOf(origins),
        List.copyOf(new LinkedHashSet<>(proxies)),
        maxConnections,
        maxConnectionsPerAddress,
        connectionRate,
        postgresPassword);
  }

  /** A variable's value, stripped, or {@code null} when unset or blank. */
  private static String variable(Map<String, String> environment, String name) {
    String value = environment.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String secret(String flag, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(flag + " must not be blank");
    }
    return value;
  }

  private static List<String> apiKeyFile(String flag, String file) {
    List<String> keys = nonBlankLines(flag, file);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(flag + " " + file + " holds no API key");
    }
    return keys;
  }

  private static String tokenFile(String flag, String file) {
    List<String> lines = nonBlankLines(flag, file);
    if (lines.size() != 1) {
      throw new IllegalArgumentException(
          flag
              + " "
              + file
              + " must hold the token on one line, but has "
              + lines.size()
              + " non-blank lines");
    }
    return lines.get(0);
  }

  /**
   * Reads a secret file's non-blank lines, stripped. Errors name the flag and the file, never what
   * the file holds.
   */
  private static List<String> nonBlankLines(String flag, String file) {
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(flag + " " + file + " is not a valid path");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_SECRET_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("cannot read " + flag + " " + file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(
          "cannot read " + flag + " " + file + ": permission denied");
    } catch (IOException e) {
      // The JDK's messages here name the failure ("Is a directory"), never the file's bytes; a
      // FileSystemException's message would repeat the path, its reason does not.
      String why = e instanceof FileSystemException failure ? failure.getReason() : e.getMessage();
      throw new IllegalArgumentException(
          "cannot read " + flag + " " + file + ": " + Objects.requireNonNullElse(why, "I/O error"));
    }
    if (bytes.length > MAX_SECRET_FILE_BYTES) {
      throw new IllegalArgumentException(
          flag + " " + file + " is larger than " + MAX_SECRET_FILE_BYTES / 1024 + " KiB");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(flag + " " + file + " is not UTF-8 text");
    }
    return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  /** Checks an origin as the endpoints do: {@code scheme://host[:port]} with no path, or *. */
  private static String origin(String flag, String text) {
    int scheme = text.indexOf("://");
    boolean valid =
        text.equals("*")
            || (scheme > 0
                && text.length() > scheme + 3
                && text.indexOf('/', scheme + 3) < 0
                && text.chars().noneMatch(c -> c <= ' ' || c == ','));
    if (!valid) {
      throw new IllegalArgumentException(
          flag + " must be scheme://host[:port] with no path, or *, got '" + text + "'");
    }
    return text;
  }

  /**
   * Checks a proxy address: an IP literal, never a name (which would need a lookup, and could
   * change). Returns it as written and in Java's canonical form, which the endpoints compare the
   * socket's peer with.
   */
  private static String proxyAddress(String flag, String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    String prefix = slash < 0 ? null : text.substring(slash + 1);
    String literal =
        address.startsWith("[") && address.endsWith("]")
            ? address.substring(1, address.length() - 1)
            : address;
    boolean ipv4 = IPV4.matcher(literal).matches();
    boolean ipv6 = literal.indexOf(':') >= 0 && IPV6_CHARACTERS.matcher(literal).matches();
    boolean prefixOk =
        prefix == null
            || (prefix.matches("[0-9]{1,3}") && Integer.parseInt(prefix) <= (ipv4 ? 32 : 128));
    if ((ipv4 || ipv6) && prefixOk) {
      try {
        InetAddress.getByName(literal); // a literal is parsed, never looked up
        // The library compares proxies as addresses, so any spelling of an IPv6 address matches.
        return prefix == null ? literal : literal + "/" + prefix;
      } catch (UnknownHostException e) {
        // reported below
      }
    }
    throw new IllegalArgumentException(
        flag
            + " must be an IP address or CIDR block such as 10.0.0.2, 10.0.0.0/8 or ::1, got '"
            + text
            + "'");
  }

  private static int atLeastOne(String flag, String text) {
    try {
      int value = Integer.parseInt(text);
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        flag + " must be a whole number from 1 to " + Integer.MAX_VALUE + ", got '" + text + "'");
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
      throw new IllegalArgumentException(
          "--health must be NAME=URL, got '" + redactUserInfo(text) + "'");
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
    throw new IllegalArgumentException(
        flag + " needs an http(s) URL, got '" + redactUserInfo(text) + "'");
  }

  /** Masks the password of a URL's user info: {@code http://u:pw@h/} reads {@code u:****@h}. */
  static String redactUserInfo(Object url) {
    return url == null ? null : USER_INFO_PASSWORD.matcher(url.toString()).replaceAll("$1:****@");
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
        + (postgresPassword == null
            ? ""
            : " (password from " + POSTGRES_PASSWORD_VARIABLE + ": ****)")
        + ", nvmlLibrary="
        + nvmlLibrary
        + ", aiHealth="
        + redactUserInfo(aiHealth)
        + ", llmSlots="
        + redactUserInfo(llmSlotsUrl)
        + ", breakerRecovery="
        + breakerRecovery
        + ", allowedOrigins="
        + (allowedOrigins.isEmpty() ? "same origin" : allowedOrigins)
        + ", trustedProxies="
        + trustedProxies
        + ", maxConnections="
        + maxConnections
        + ", maxConnectionsPerAddress="
        + maxConnectionsPerAddress
        + ", connectionRate="
        + connectionRate
        + "/min]";
  }
}
