package io.realtime.jakarta.ws.tyrus;

import io.realtime.jakarta.ws.MessageLimits;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;

/**
 * Makes Tyrus on Grizzly refuse a WebSocket frame over the {@link MessageLimits} as its header
 * arrives, closing with 1009, instead of buffering the payload until Tyrus's incoming buffer (4 MiB
 * by default) overflows and closes with 1011.
 *
 * <p>For a host that runs Tyrus in its own Grizzly {@link HttpServer} (with Tyrus's {@code
 * WebSocketAddOn}), after adding the listeners and before starting the server:
 *
 * <pre>{@code
 * HttpServer server = new HttpServer();
 * server.addListener(new NetworkListener("realtime", "0.0.0.0", 8080));
 * server.getListener("realtime").registerAddOn(new WebSocketAddOn(container, "/"));
 * TyrusFrameGuard.install(server, websocket.messageLimits());
 * server.start();
 * }</pre>
 *
 * <p>and build Tyrus's engine with {@link #incomingBufferSize(MessageLimits)} (or, where Tyrus
 * reads its server properties, {@link #serverProperties(MessageLimits)}) so that its own buffer is
 * sized to the same limits. {@code org.glassfish.tyrus.server.Server} builds its Grizzly server
 * inside and offers no way to add a filter: a host that uses it gets only the incoming buffer size.
 *
 * <p>Needs {@code tyrus-server} and {@code tyrus-container-grizzly-server} on the classpath; this
 * module declares them optional, so hosts on other containers do not get them.
 */
public final class TyrusFrameGuard {

  /** The largest frame header: 2 bytes, a 64-bit length, a 4-byte mask. */
  private static final int MAX_FRAME_HEADER = 14;

  /** Room in Tyrus's buffer for one read that follows an incomplete frame. */
  private static final int READ_ALLOWANCE = 1024 * 1024;

  private TyrusFrameGuard() {}

  /**
   * Adds the guard to every listener of a server that has not started: at its start, each
   * listener's filter chain gets a {@link FrameLimitFilter} right after the HTTP codec, ahead of
   * Tyrus's filter whatever the order of the add-ons.
   *
   * @param server the server, its listeners added, not started
   * @param limits the limits, usually {@link
   *     io.realtime.jakarta.ws.RealtimeWebSocket#messageLimits()}
   * @throws IllegalStateException if the server has started or has no listener
   */
  public static void install(HttpServer server, MessageLimits limits) {
    Objects.requireNonNull(server, "server");
    AddOn addOn = addOn(limits);
    if (server.isStarted()) {
      throw new IllegalStateException(
          "install the frame guard before HttpServer.start(): filter chains are built when it starts");
    }
    Collection<NetworkListener> listeners = server.getListeners();
    if (listeners.isEmpty()) {
      throw new IllegalStateException(
          "the server has no listener: add its listeners before installing the frame guard");
    }
    for (NetworkListener listener : listeners) {
      listener.registerAddOn(addOn);
    }
  }

  /**
   * Returns the guard as a Grizzly add-on, for a listener added after {@link #install} or
   * configured on its own ({@link NetworkListener#registerAddOn}).
   *
   * @param limits the limits
   * @return the add-on; it throws {@link IllegalStateException} at the server's start if the
   *     listener's chain has no HTTP codec to follow
   */
  public static AddOn addOn(MessageLimits limits) {
    return new GuardAddOn(limits);
  }

  /**
   * Returns the size for Tyrus's incoming buffer ({@link
   * TyrusWebSocketEngine#INCOMING_BUFFER_SIZE}, {@code
   * TyrusWebSocketEngine.builder(container).incomingBufferSize(...)}): the largest frame the guard
   * lets through, its header, and one more read. Behind the guard the buffer never fills; without
   * it, this at least makes Tyrus give up at about 1.2 MiB instead of 4 MiB (with 1011).
   *
   * @param limits the limits
   * @return the size in bytes
   */
  public static int incomingBufferSize(MessageLimits limits) {
    return Math.max(limits.textBytes(), limits.binaryBytes()) + MAX_FRAME_HEADER + READ_ALLOWANCE;
  }

  /**
   * Returns Tyrus server properties with {@link #incomingBufferSize(MessageLimits)}, for {@code
   * org.glassfish.tyrus.server.Server} or a {@code GrizzlyServerContainer}.
   *
   * @param limits the limits
   * @return {@code org.glassfish.tyrus.incomingBufferSize} to its size
   */
  public static Map<String, Object> serverProperties(MessageLimits limits) {
    return Map.of(TyrusWebSocketEngine.INCOMING_BUFFER_SIZE, incomingBufferSize(limits));
  }

  private static final class GuardAddOn implements AddOn {
    private final MessageLimits limits;

    private GuardAddOn(MessageLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
      int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
      if (codec < 0) {
        throw new IllegalStateException(
            "listener " + listener.getName() + " has no HTTP codec filter to put the guard after");
      }
      builder.add(codec + 1, new FrameLimitFilter(limits));
    }

    @Override
    public String toString() {
      return "TyrusFrameGuard" + limits;
    }
  }
}
