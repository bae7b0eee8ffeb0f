package io.realtime.examples;

import io.realtime.metrics.postgres.PostgresConnections;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The launcher's settings, checked: what {@link LauncherCommand} read from the command line and the
 * environment, each value validated so that an error names the flag (or the environment variable)
 * that gave it, never a secret's value.
 *
 * @param port the listen port
 * @param host the address to listen on
 * @param redisUri the Redis URI, or {@code null} for the in-memory transport
 * @param apiKeys API keys to require; empty for none
 * @param token the token to require, or {@code null}
 * @param statusInterval the system status period
 * @param pingInterval the heartbeat period
 * @param idleTimeout the idle timeout
 * @param instanceId this instance's id, or {@code null} for a random one
 * @param simulator whether the simulated pipeline runs
 * @param request what was asked: to run, or only the help or the version
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
 * @param logLevel the level of the launcher's and the library's logs: {@code error}, {@code warn},
 *     {@code info}, {@code debug} or {@code trace}
 * @param fromEnvironment the flags whose value came from their environment variable
 * @param unknownVariables the {@code REALTIME_*} variables set that no flag reads (a typo?)
 * @param secretsOnCommandLine whether {@code --api-key} or {@code --token} was given on the command
 *     line, where other local users can read it
 */
public record LauncherOptions(
    int port,
    String host,
    String redisUri,
    List<String> apiKeys,
    String token,
    Duration statusInterval,
    Duration pingInterval,
    Duration idleTimeout,
    String instanceId,
    boolean simulator,
    Request request,
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
    String postgresPassword,
    String logLevel,
    Set<String> fromEnvironment,
    List<String> unknownVariables,
    boolean secretsOnCommandLine) {

  /** What the command line asks for. */
  public enum Request {
    /** Start the server. */
    RUN,
    /** Print the help and exit 0. */
    HELP,
    /** Print the version and exit 0. */
    VERSION
  }

  /** The environment variable holding an API key. */
  public static final String API_KEY_VARIABLE = "REALTIME_API_KEY";

  /** The environment variable naming a file of API keys, one a line. */
  public static final String API_KEY_FILE_VARIABLE = "REALTIME_API_KEY_FILE";

  /** The environment variable holding the token. */
  public static final String TOKEN_VARIABLE = "REALTIME_TOKEN";

  /** The environment variable naming a file holding the token. */
  public static final String TOKEN_FILE_VARIABLE = "REALTIME_TOKEN_FILE";

  /** The environment variable holding the PostgreSQL password, as for {@code psql}. */
  public static final String POSTGRES_PASSWORD_VARIABLE = "PGPASSWORD";

  /** The log levels {@code --log-level} accepts. */
  static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  /** The largest secret file read. */
  private static final int MAX_SECRET_FILE_BYTES = 64 * 1024;

  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&;]password=");
  private static final Pattern JDBC_USER_INFO_PASSWORD = Pattern.compile("//[^/?#@]*:[^/?#@]*@");
  private static final Pattern FLAG_NAME = Pattern.compile("--[a-z][a-z0-9-]*");
  private static final Pattern QUOTED_FLAG = Pattern.compile("'(--[a-z][a-z0-9-]*)'");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/@:\\s]*):[^/@\\s]*@");

  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})");

  /**
   * Returns the text of {@code --help}: every flag, its default and its environment variable.
   *
   * @return the help
   */
  public static String usage() {
    return LauncherCommand.commandLine(new LauncherCommand(), Map.of()).getUsageMessage();
  }

  /**
   * Returns the text of {@code --version}.
   *
   * @return for example {@code realtime-standalone 0.1.0}
   */
  public static String version() {
    StringWriter text = new StringWriter();
    LauncherCommand.commandLine(new LauncherCommand(), Map.of())
        .printVersionHelp(new PrintWriter(text, true));
    return text.toString();
  }

  /**
   * Parses the flags, taking what they do not give from the process's environment.
   *
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException naming the bad flag or value (never a secret's value)
   */
  public static LauncherOptions parse(String... args) {
    return parse(System.getenv(), args);
  }

  /**
   * Parses the flags, taking what they do not give from the environment: {@code REALTIME_<FLAG>}
   * for each flag (see {@code --help}), and the secrets as {@code --help} describes.
   *
   * @param environment the environment variables
   * @param args the command line
   * @return the options
   * @throws IllegalArgumentException naming the bad flag, variable, value or file (never a secret's
   *     value)
   */
  public static LauncherOptions parse(Map<String, String> environment, String... args) {
    LauncherCommand command = new LauncherCommand();
    CommandLine line = LauncherCommand.commandLine(command, environment);
    ParseResult parsed;
    try {
      parsed = line.parseArgs(args);
    } catch (ParameterException e) {
      throw new IllegalArgumentException(usageError(e));
    }
    if (line.isUsageHelpRequested() || line.isVersionHelpRequested()) {
      // Asked for the help, nothing is checked: a bad variable must not hide it.
      return defaults(line.isUsageHelpRequested() ? Request.HELP : Request.VERSION);
    }
    return checked(command, parsed::hasMatchedOption, environment, Request.RUN);
  }

  /** The options a bare command line with no environment gives, for {@code request}. */
  private static LauncherOptions defaults(Request request) {
    LauncherCommand command = new LauncherCommand();
    LauncherCommand.commandLine(command, Map.of()).parseArgs();
    return checked(command, flag -> false, Map.of(), request);
  }

  /**
   * A usage error in one line, built from the flag's name and never from what was given: a value,
   * or a word that lost its flag, may be a secret.
   */
  private static String usageError(ParameterException e) {
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String argument = unmatched.getUnmatched().get(0);
      int equals = argument.indexOf('=');
      String name = equals < 0 ? argument : argument.substring(0, equals);
      if (FLAG_NAME.matcher(name).matches()) {
        // A mistyped "--api-key=SECRET" must not print the secret: only the name is echoed.
        return "unknown option '" + name + (equals < 0 ? "" : "=…") + "' (see --help)";
      }
      return "an argument is neither a flag nor a flag's value (see --help; every value follows"
          + " its flag after a space or '=')";
    }
    String flag = flagOf(e);
    if (e instanceof MissingParameterException) {
      return flag + " needs a value (see --help)";
    }
    if (e instanceof OverwrittenOptionException) {
      return flag + " is given more than once (see --help)";
    }
    return flag + " is not used that way (see --help)";
  }

  /**
   * The flag a picocli error is about: its argument, the one it misses, or else the first known
   * flag its message quotes (a known name is never a secret); "the command line" otherwise.
   */
  private static String flagOf(ParameterException e) {
    if (e.getArgSpec() instanceof OptionSpec option) {
      return option.longestName();
    }
    if (e instanceof MissingParameterException missing
        && !missing.getMissing().isEmpty()
        && missing.getMissing().get(0) instanceof OptionSpec option) {
      return option.longestName();
    }
    Matcher quoted = QUOTED_FLAG.matcher(String.valueOf(e.getMessage()));
    List<String> known = LauncherCommand.allFlags();
    while (quoted.find()) {
      if (known.contains(quoted.group(1))) {
        return quoted.group(1);
      }
    }
    return "the command line";
  }

  /** Checks every value; {@code onCommandLine} tells whether a flag came from the command line. */
  private static LauncherOptions checked(
      LauncherCommand command,
      Predicate<String> onCommandLine,
      Map<String, String> environment,
      Request request) {
    // Each value came from its flag or, when the flag is absent, from its variable.
    Set<String> fromEnvironment = new TreeSet<>();
    for (String flag : LauncherCommand.flags()) {
      if (!LauncherCommand.SECRET_FLAGS.contains(flag)
          && !onCommandLine.test(flag)
          && variable(environment, LauncherCommand.variable(flag)) != null) {
        fromEnvironment.add(flag);
      }
    }
    Function<String, String> source =
        flag -> fromEnvironment.contains(flag) ? LauncherCommand.variable(flag) : flag;
    List<String> keys = new ArrayList<>();
    for (String key : command.apiKeys) {
      keys.add(secret("--api-key", key));
    }
    for (String file : command.apiKeyFiles) {
      keys.addAll(apiKeyFile("--api-key-file", file));
    }
    String token = command.token == null ? null : secret("--token", command.token);
    if (command.tokenFile != null) {
      if (token != null) {
        throw new IllegalArgumentException("give --token or --token-file, not both");
      }
      token = tokenFile("--token-file", command.tokenFile);
    }
    boolean keysOnCommandLine = !command.apiKeys.isEmpty() || !command.apiKeyFiles.isEmpty();
    if (!keysOnCommandLine) {
      keys.addAll(environmentKeys(environment));
    }
    if (token == null && command.tokenFile == null) {
      token = environmentToken(environment);
    }
    Map<String, URI> health = new LinkedHashMap<>();
    for (String entry : listed(source, "--health", command.health)) {
      health(source.apply("--health"), health, entry);
    }
    List<String> origins = new ArrayList<>();
    for (String origin : listed(source, "--allowed-origin", command.allowedOrigins)) {
      origins.add(origin(source.apply("--allowed-origin"), origin));
    }
    Set<String> proxies = new LinkedHashSet<>();
    for (String proxy : listed(source, "--trusted-proxy", command.trustedProxies)) {
      proxies.add(proxyAddress(source.apply("--trusted-proxy"), proxy));
    }
    boolean simulator = !command.noSimulator;
    if (!onCommandLine.test("--no-simulator")) {
      String off = variable(environment, LauncherCommand.variable("--no-simulator"));
      if (off != null) {
        simulator = !switchValue(source.apply("--no-simulator"), off);
      }
    }
    String postgres =
        command.postgres == null ? null : jdbcUrl(source.apply("--postgres"), command.postgres);
    String postgresPassword =
        postgres == null || URL_PASSWORD.matcher(postgres).find()
            ? null
            : variable(environment, POSTGRES_PASSWORD_VARIABLE);
    return new LauncherOptions(
        port(source.apply("--port"), command.port),
        host(source.apply("--host"), command.host),
        command.redis,
        List.copyOf(keys),
        token,
        duration(source.apply("--status-interval"), command.statusInterval),
        duration(source.apply("--ping-interval"), command.pingInterval),
        duration(source.apply("--idle-timeout"), command.idleTimeout),
        command.instanceId,
        simulator,
        request,
        postgres,
        command.nvmlLibrary,
        Collections.unmodifiableMap(health),
        command.llmSlots == null ? null : url(source.apply("--llm-slots"), command.llmSlots),
        duration(source.apply("--breaker-recovery"), command.breakerRecovery),
        List.copyOf(origins),
        List.copyOf(proxies),
        atLeastOne(source.apply("--max-connections"), command.maxConnections),
        atLeastOne(source.apply("--max-connections-per-address"), command.maxConnectionsPerAddress),
        atLeastOne(source.apply("--connection-rate"), command.connectionRate),
        postgresPassword,
        logLevel(source.apply("--log-level"), command.logLevel),
        Collections.unmodifiableSet(fromEnvironment),
        unknownVariables(environment),
        onCommandLine.test("--api-key") || onCommandLine.test("--token"));
  }

  /** The keys from {@value #API_KEY_FILE_VARIABLE} or else {@value #API_KEY_VARIABLE}. */
  private static List<String> environmentKeys(Map<String, String> environment) {
    String file = secretVariable(environment, API_KEY_FILE_VARIABLE, "the file");
    String key = secretVariable(environment, API_KEY_VARIABLE, "the key");
    if (file != null && key != null) {
      throw new IllegalArgumentException(
          "set " + API_KEY_VARIABLE + " or " + API_KEY_FILE_VARIABLE + ", not both");
    }
    return file != null
        ? apiKeyFile(API_KEY_FILE_VARIABLE, file)
        : key == null ? List.of() : List.of(key);
  }

  /** The token from {@value #TOKEN_FILE_VARIABLE} or else {@value #TOKEN_VARIABLE}. */
  private static String environmentToken(Map<String, String> environment) {
    String file = secretVariable(environment, TOKEN_FILE_VARIABLE, "the file");
    String token = secretVariable(environment, TOKEN_VARIABLE, "the token");
    if (file != null && token != null) {
      throw new IllegalArgumentException(
          "set " + TOKEN_VARIABLE + " or " + TOKEN_FILE_VARIABLE + ", not both");
    }
    return file != null ? tokenFile(TOKEN_FILE_VARIABLE, file) : token;
  }

  /**
   * A secret's variable, stripped, or {@code null} when unset. Set but blank is refused: read as
   * unset, it would start the server with no authentication.
   */
  private static String secretVariable(Map<String, String> environment, String name, String what) {
    String value = environment.get(name);
    if (value != null && value.isBlank()) {
      throw new IllegalArgumentException(name + " is set but blank: unset it, or give " + what);
    }
    return value == null ? null : value.strip();
  }

  /**
   * Checks a listen address: an IP literal (parsed, never looked up) or a host name (resolved when
   * the server binds).
   */
  private static String host(String flag, String text) {
    String literal =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    boolean valid;
    if (literal.indexOf(':') >= 0) {
      valid = IPV6_CHARACTERS.matcher(literal).matches() && parsesAsLiteral(literal);
    } else if (literal.matches("[0-9.]+")) {
      valid = IPV4.matcher(literal).matches();
    } else {
      valid = HOST_NAME.matcher(literal).matches();
    }
    if (valid) {
      return literal;
    }
    throw new IllegalArgumentException(
        flag
            + " must be an IP address or a host name such as 127.0.0.1, ::1 or 0.0.0.0, got '"
            + text
            + "'");
  }

  /** Whether an IPv6 literal parses (a text with ':' is never looked up). */
  private static boolean parsesAsLiteral(String literal) {
    try {
      InetAddress.getByName(literal);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String logLevel(String flag, String text) {
    String level = text.strip().toLowerCase(Locale.ROOT);
    if (LOG_LEVELS.contains(level)) {
      return level;
    }
    throw new IllegalArgumentException(
        flag + " must be one of " + String.join(", ", LOG_LEVELS) + ", got '" + text + "'");
  }

  /**
   * The values of a repeatable flag; from its variable, a comma-separated list (on the command
   * line, where each value has its own flag, a comma may belong to a URL).
   */
  private static List<String> listed(
      Function<String, String> source, String flag, List<String> values) {
    if (source.apply(flag).equals(flag)) {
      return values;
    }
    List<String> split = new ArrayList<>();
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        if (!part.isBlank()) {
          split.add(part.strip());
        }
      }
    }
    return split;
  }

  /** A switch's variable: true or false (also yes/no, 1/0), case-insensitive. */
  private static boolean switchValue(String name, String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, got '" + text + "'");
    };
  }

  /** The REALTIME_* variables set that no flag reads, by name only. */
  private static List<String> unknownVariables(Map<String, String> environment) {
    Set<String> known = LauncherCommand.variables();
    return environment.keySet().stream()
        .filter(name -> name.startsWith(LauncherCommand.VARIABLE_PREFIX) && !known.contains(name))
        .sorted()
        .toList();
  }

  /**
   * Returns where a flag's value came from, for a message: the flag, or its variable.
   *
   * @param flag a long flag such as {@code --redis}
   * @return the flag, or the variable that gave its value
   */
  public String source(String flag) {
    return fromEnvironment.contains(flag) ? LauncherCommand.variable(flag) : flag;
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

  private static String jdbcUrl(String flag, String text) {
    if (JDBC_USER_INFO_PASSWORD.matcher(text).find()) {
      throw new IllegalArgumentException(
          flag
              + " must not hold a password before the host ('"
              + PostgresConnections.redact(text)
              + "'): give it as password= or in "
              + POSTGRES_PASSWORD_VARIABLE);
    }
    if (!text.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          flag + " must be a jdbc:postgresql: URL, got '" + PostgresConnections.redact(text) + "'");
    }
    return text;
  }

  private static void health(String flag, Map<String, URI> health, String text) {
    int equals = text.indexOf('=');
    if (equals < 1) {
      throw new IllegalArgumentException(
          flag + " must be NAME=URL, got '" + redactUserInfo(text) + "'");
    }
    String name = text.substring(0, equals);
    if (health.put(name, url(flag, text.substring(equals + 1))) != null) {
      throw new IllegalArgumentException(flag + " names '" + name + "' twice");
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

  private static int port(String flag, String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + " must be from 0 to 65535, got '" + text + "'");
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
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below: not a number, or too long for a Duration
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
    return "LauncherOptions[host="
        + host
        + ", port="
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
        + "/min, logLevel="
        + logLevel
        + "]";
  }
}
