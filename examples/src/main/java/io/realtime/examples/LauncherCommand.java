package io.realtime.examples;

import io.realtime.admission.SlidingWindowRateLimiter;
import io.realtime.jakarta.ws.RealtimeWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/**
 * The launcher's command line as picocli reads it: each flag, its label, its default and its help
 * line. Values stay text here; {@link LauncherOptions} checks them, so that an error names the flag
 * or the environment variable that gave the value, and never echoes a secret.
 *
 * <p>Every flag but {@code --help}, {@code --version} and the secrets can also come from the
 * environment variable {@link #variable(String) REALTIME_<FLAG>} (for example {@code --port} from
 * {@code REALTIME_PORT}); the command line wins. Picocli fills the flags that take a value from
 * there; {@link LauncherOptions} splits a repeatable flag's variable at commas (on the command line
 * a comma may belong to a URL) and reads the switch {@code --no-simulator}'s as true or false. The
 * secrets ({@code --api-key}, {@code --api-key-file}, {@code --token}, {@code --token-file}) are
 * read from the environment by {@link LauncherOptions} only when the command line gives none of
 * their group, as before picocli.
 */
@Command(
    name = "realtime-standalone",
    mixinStandardHelpOptions = true,
    versionProvider = LauncherCommand.Version.class,
    sortOptions = false,
    usageHelpWidth = 100,
    customSynopsis = "java -jar realtime-standalone.jar [options]",
    description = {
      "",
      "Serves /ws/events, /ws/system and /ws/jobs/{job_id}/logs, with a simulated pipeline.",
      ""
    },
    footer = {
      "",
      "Secrets: REALTIME_API_KEY (one key) or REALTIME_API_KEY_FILE, and REALTIME_TOKEN or",
      "REALTIME_TOKEN_FILE, are read from the environment when no --api-key/--api-key-file or",
      "--token/--token-file is given; prefer them or the files to --api-key and --token, which",
      "other local users see in the process list. The PostgreSQL password is the JDBC URL's",
      "password= or else PGPASSWORD. Secrets are never logged.",
      "",
      "Browsers may connect only from the page's own origin (or --allowed-origin); clients",
      "without an Origin header (not browsers) are always accepted.",
      "",
      "The dashboard is at http://localhost:PORT/ (add ?api_key=K when keys are required).",
      "Host CPU, RAM and disk are always measured. A source given by a flag replaces the",
      "simulated one.",
      "",
      "Exit status: 0 after a clean stop (SIGTERM, Ctrl-C) or --help/--version; 2 for bad",
      "usage; 1 when the server cannot start (port in use, Redis URI refused, a value the",
      "library refuses)."
    })
final class LauncherCommand {

  /** The prefix of the environment variables. */
  static final String VARIABLE_PREFIX = "REALTIME_";

  /** The help section listing the environment variables, before the footer. */
  private static final String ENVIRONMENT_SECTION = "environment";

  /** Flags whose environment variables {@link LauncherOptions} reads itself (the secrets). */
  static final Set<String> SECRET_FLAGS =
      Set.of("--api-key", "--api-key-file", "--token", "--token-file");

  @Option(
      names = "--port",
      paramLabel = "N",
      defaultValue = "8080",
      description = "listen port; 0 for any free one (default ${DEFAULT-VALUE})")
  String port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = "0.0.0.0",
      description = {
        "address to listen on, e.g. 127.0.0.1 (default ${DEFAULT-VALUE}: every interface;",
        "a warning is logged when that reaches beyond loopback with no API key or token)"
      })
  String host;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description = "use the Redis transport, e.g. redis://127.0.0.1:6379 (default in-memory)")
  String redis;

  @Option(
      names = "--api-key",
      paramLabel = "K",
      description = "require an API key; repeatable (default none)")
  List<String> apiKeys = new ArrayList<>();

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description = "require the API keys in FILE, one a line; repeatable")
  List<String> apiKeyFiles = new ArrayList<>();

  @Option(names = "--token", paramLabel = "T", description = "require a token (default none)")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "require the token in FILE (its one line)")
  String tokenFile;

  @Option(
      names = "--status-interval",
      paramLabel = "D",
      defaultValue = "5s",
      description = "status period, e.g. 500ms, 5s (default ${DEFAULT-VALUE}; at least 100ms)")
  String statusInterval;

  @Option(
      names = "--ping-interval",
      paramLabel = "D",
      defaultValue = "30s",
      description = "heartbeat period (default ${DEFAULT-VALUE})")
  String pingInterval;

  @Option(
      names = "--idle-timeout",
      paramLabel = "D",
      defaultValue = "300s",
      description = "idle timeout (default ${DEFAULT-VALUE})")
  String idleTimeout;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "this instance's id: 1 to 64 letters, digits, '.', '_', ':' or '-' (default random)")
  String instanceId;

  @Option(
      names = "--no-simulator",
      arity = "0",
      description = "turn the simulated pipeline off (variable: true or false)")
  boolean noSimulator;

  @Option(
      names = "--postgres",
      paramLabel = "JDBC_URL",
      description =
          "PostgreSQL metrics, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")
  String postgres;

  @Option(
      names = "--nvml-lib",
      paramLabel = "PATH",
      description = "GPU metrics from this NVML library (then nvidia-smi, then --health)")
  String nvmlLibrary;

  @Option(
      names = "--health",
      paramLabel = "NAME=URL",
      description = "an AI model's health from URL/health; repeatable")
  List<String> health = new ArrayList<>();

  @Option(
      names = "--llm-slots",
      paramLabel = "URL",
      description = "llama.cpp slots from URL/slots, as ai_models.nemotron")
  String llmSlots;

  @Option(
      names = "--breaker-recovery",
      paramLabel = "D",
      defaultValue = "30s",
      description = {
        "how long a circuit breaker stays open, and the longest wait between",
        "attempts to reach Redis again (default ${DEFAULT-VALUE})"
      })
  String breakerRecovery;

  @Option(
      names = "--allowed-origin",
      paramLabel = "ORIGIN",
      description = {
        "accept browsers from ORIGIN (scheme://host[:port]) besides the server's own;",
        "repeatable; * accepts every origin"
      })
  List<String> allowedOrigins = new ArrayList<>();

  @Option(
      names = "--trusted-proxy",
      paramLabel = "ADDRESS",
      description = {
        "believe X-Forwarded-For from this proxy IP or CIDR block (e.g. the nginx in",
        "front, docs/operations.md); repeatable"
      })
  List<String> trustedProxies = new ArrayList<>();

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      defaultValue = "" + RealtimeWebSocket.DEFAULT_MAX_CONNECTIONS,
      description = "connections open at once, all endpoints (default ${DEFAULT-VALUE})")
  String maxConnections;

  @Option(
      names = "--max-connections-per-address",
      paramLabel = "N",
      defaultValue = "" + RealtimeWebSocket.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
      description = "connections open at once per client IP (default ${DEFAULT-VALUE})")
  String maxConnectionsPerAddress;

  @Option(
      names = "--connection-rate",
      paramLabel = "N",
      defaultValue = "" + SlidingWindowRateLimiter.DEFAULT_LIMIT,
      description = "new connections per minute per client IP, plus 2 (default ${DEFAULT-VALUE})")
  String connectionRate;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      defaultValue = "info",
      description = "error, warn, info, debug or trace (default ${DEFAULT-VALUE})")
  String logLevel;

  /**
   * Builds the picocli command line over {@code command}, reading unset flags from {@code
   * environment}.
   *
   * @param command the fields picocli fills
   * @param environment the environment variables
   * @return the command line, with its help's environment section
   */
  static CommandLine commandLine(LauncherCommand command, Map<String, String> environment) {
    CommandLine line = new CommandLine(command);
    // "@FILE" would read FILE's words as flags: a file of secrets could end up in an error.
    line.setExpandAtFiles(false);
    line.setDefaultValueProvider(
        argument -> {
          String flag = flagOf(argument);
          if (flag == null
              || SECRET_FLAGS.contains(flag)
              || ((OptionSpec) argument).arity().max() == 0) {
            return null; // not a value picocli should read from the environment
          }
          String value = environment.get(variable(flag));
          return value == null || value.isBlank() ? null : value.strip();
        });
    line.getHelpSectionMap().put(ENVIRONMENT_SECTION, help -> environmentHelp(help.commandSpec()));
    List<String> sections = new ArrayList<>(line.getHelpSectionKeys());
    sections.add(sections.indexOf(UsageMessageSpec.SECTION_KEY_FOOTER), ENVIRONMENT_SECTION);
    line.setHelpSectionKeys(sections);
    return line;
  }

  /**
   * Returns the environment variable a flag can also come from.
   *
   * @param flag a long flag such as {@code --max-connections}
   * @return for example {@code REALTIME_MAX_CONNECTIONS}
   */
  static String variable(String flag) {
    return VARIABLE_PREFIX + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Returns the environment variables a command line reads: one per flag but help and version.
   *
   * @return the variables' names
   */
  static Set<String> variables() {
    Set<String> names = new TreeSet<>();
    for (String flag : flags()) {
      names.add(variable(flag));
    }
    return names;
  }

  /**
   * Returns the flags that have a variable: every one but help and version.
   *
   * @return the long flags, in the help's order
   */
  static List<String> flags() {
    return options().stream().map(LauncherCommand::flagOf).filter(Objects::nonNull).toList();
  }

  /**
   * Returns every long flag, help and version included.
   *
   * @return the flags
   */
  static List<String> allFlags() {
    return options().stream().map(OptionSpec::longestName).toList();
  }

  /** Every option of the command, in the help's order. */
  private static List<OptionSpec> options() {
    return commandLine(new LauncherCommand(), Map.of()).getCommandSpec().options();
  }

  /** The long name of an option that can come from the environment, or null. */
  private static String flagOf(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    return option.longestName();
  }

  /** Lists every flag's environment variable, in the options' order. */
  private static String environmentHelp(CommandSpec spec) {
    StringBuilder text =
        new StringBuilder(
            String.format(
                "%nEnvironment (a flag on the command line wins; repeatable flags take a"
                    + " comma-separated list):%n"));
    for (OptionSpec option : spec.options()) {
      String flag = flagOf(option);
      if (flag != null) {
        text.append(String.format("  %-38s %s%n", variable(flag), flag));
      }
    }
    return text.toString();
  }

  /** {@code --version}: the launcher jar's version, from its manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"realtime-standalone " + version()};
    }

    /** The version, or a note that the classes do not come from the jar. */
    static String version() {
      String version = LauncherCommand.class.getPackage().getImplementationVersion();
      return version == null ? "(unknown: not run from realtime-standalone.jar)" : version;
    }
  }
}
