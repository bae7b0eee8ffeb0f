package io.realtime.examples;

import io.realtime.client.RealtimeClient;
import io.realtime.message.MessageTypes;
import io.realtime.message.payload.SecurityEvent;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Prints every event of a launcher's {@code /ws/events} until Ctrl-C, with {@code realtime-client}
 * as its only dependency: {@code java -cp ... io.realtime.examples.ClientExample
 * ws://localhost:8080/ws/events}. The API key, if the server wants one, comes from the environment
 * ({@code REALTIME_API_KEY}), never from the command line, where {@code ps} would show it.
 */
public final class ClientExample {

  /** The environment variable with the API key; the launcher reads the same one. */
  static final String API_KEY_VARIABLE = "REALTIME_API_KEY";

  static final String USAGE =
      """
      Usage: ClientExample [--subscribe PATTERN,...] URL
        Prints each message of a realtime endpoint, one line each, until Ctrl-C.
        URL                    for example ws://localhost:8080/ws/events
        --subscribe P,Q        receive only these event types (shell-style: alert.*, event)
        --help                 this text
      Environment: REALTIME_API_KEY, the API key if the server wants one (never a flag, so that
      ps does not show it).
      """;

  private ClientExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--subscribe PATTERN,...] URL}, or {@code --help}
   * @throws InterruptedException if interrupted while waiting for Ctrl-C
   */
  public static void main(String[] args) throws InterruptedException {
    List<String> arguments = List.of(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.print(USAGE);
      return;
    }
    List<String> patterns = List.of();
    String url = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--subscribe") && i + 1 < args.length) {
        patterns = Arrays.asList(args[++i].split(","));
      } else if (url == null && !args[i].startsWith("--")) {
        url = args[i];
      } else {
        System.err.print("Unexpected argument: " + args[i] + "\n" + USAGE);
        System.exit(2);
      }
    }
    if (url == null) {
      System.err.print(USAGE);
      System.exit(2);
    }

    RealtimeClient client;
    try {
      client = printingClient(url, patterns);
    } catch (IllegalArgumentException e) { // a bad URL or pattern: a usage error, not a crash
      System.err.print("Invalid argument: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  client.close();
                  System.out.println("closed");
                  stopped.countDown();
                },
                "client-example-shutdown"));
    client.connect(); // returns at once; connects and retries in the background
    stopped.await();
  }

  /**
   * Builds the client that prints what it receives, subscribed to these patterns.
   *
   * @throws IllegalArgumentException for a URL that is not one or a pattern the client refuses
   */
  private static RealtimeClient printingClient(String target, List<String> patterns) {
    RealtimeClient.Builder builder =
        RealtimeClient.builder(URI.create(target))
            .on(
                MessageTypes.EVENT,
                envelope -> {
                  SecurityEvent event = envelope.dataAs(SecurityEvent.class);
                  System.out.printf(
                      "event #%d seq=%d %s %s: %s%n",
                      event.id(),
                      envelope.seq(),
                      event.cameraId(),
                      event.riskLevel(),
                      event.summary());
                })
            .onOther(envelope -> System.out.printf("%s %s%n", envelope.type(), envelope.data()))
            .onConnected(() -> System.out.println("connected to " + target))
            .onDisconnect(
                disconnect ->
                    System.out.printf(
                        "disconnected: %d %s%s%n",
                        disconnect.code(),
                        disconnect.reason(),
                        disconnect
                            .retryIn()
                            .map(delay -> ", retrying in " + delay.toMillis() + " ms")
                            .orElse("")));
    String apiKey = System.getenv(API_KEY_VARIABLE);
    if (apiKey != null && !apiKey.isBlank()) {
      builder.apiKey(apiKey, true);
    }
    RealtimeClient client = builder.build();
    if (!patterns.isEmpty()) {
      client.subscribe(patterns); // remembered: sent on connect and after every reconnect
    }
    return client;
  }
}
