package io.realtime.jakarta.ws.tyrus;

import io.realtime.jakarta.ws.MessageLimits;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.memory.Buffers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Grizzly filter that refuses WebSocket frames over the {@link MessageLimits} as their headers
 * arrive, before Tyrus buffers their payload. It belongs right after Grizzly's HTTP codec ({@link
 * org.glassfish.grizzly.http.HttpServerFilter}), ahead of Tyrus's own filter; {@link
 * TyrusFrameGuard#install} puts it there.
 *
 * <p>It starts following a connection when the {@code 101 Switching Protocols} answer to a
 * WebSocket upgrade goes out through it, and from then reads the header of every frame the client
 * sends, across reads and however the header is split: masked or not, 7-, 16- or 64-bit lengths,
 * continuation frames added to their message. The payload passes on to Tyrus untouched and is never
 * copied. When a data frame's declared length, added to its message so far, passes {@link
 * MessageLimits#textBytes()} (text) or {@link MessageLimits#binaryBytes()} (binary), the filter
 * writes a close frame 1009 {@code Message too big...} itself, passes nothing more of that
 * connection to Tyrus, lets nothing Tyrus still writes follow the close frame (those writes fail),
 * reads and drops what the client still sends for a short while so the close frame is not lost to a
 * TCP reset, then closes the connection; Tyrus's endpoint sees it close with 1006. A control frame
 * over 125 bytes or a broken sequence of data frames is refused in the same way with 1002. Other
 * connections, and HTTP requests, pass untouched.
 *
 * <p>Thread-safe; one instance serves every connection of a listener.
 */
public final class FrameLimitFilter extends BaseFilter {

  private static final Logger log = LoggerFactory.getLogger(FrameLimitFilter.class);

  /** How long a refused connection is read and drained before it is closed. */
  static final Duration LINGER = Duration.ofSeconds(1);

  private static final int SWITCHING_PROTOCOLS = 101;

  /** The close frame written to a refused connection: the one write that may still go out. */
  private static final Attribute<Buffer> CLOSE_FRAME =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
          FrameLimitFilter.class.getName() + ".close");

  private static final Attribute<FrameTracker> TRACKER =
      Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
          FrameLimitFilter.class.getName() + ".tracker");

  private final MessageLimits limits;

  /**
   * Creates the filter.
   *
   * @param limits the limits, usually {@link
   *     io.realtime.jakarta.ws.RealtimeWebSocket#messageLimits()}
   */
  public FrameLimitFilter(MessageLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Returns the limits the filter enforces.
   *
   * @return the limits
   */
  public MessageLimits limits() {
    return limits;
  }

  @Override
  public NextAction handleWrite(FilterChainContext ctx) throws IOException {
    Object message = ctx.getMessage();
    Buffer closeFrame = CLOSE_FRAME.get(ctx.getConnection());
    if (closeFrame != null && message != closeFrame) {
      // RFC 6455 5.5.1: nothing follows a close frame. Tyrus does not know the connection is
      // closing and keeps sending until it is; its writes fail instead of going out.
      CompletionHandler<?> handler = ctx.getTransportContext().getCompletionHandler();
      if (handler != null) {
        handler.failed(new IOException("the connection is closing: message too big"));
      }
      return ctx.getStopAction();
    }
    if (message instanceof HttpPacket packet) {
      HttpHeader header = packet.getHttpHeader();
      if (header instanceof HttpResponsePacket response
          && response.getStatus() == SWITCHING_PROTOCOLS
          && "websocket".equalsIgnoreCase(response.getUpgrade())) {
        Connection<?> connection = ctx.getConnection();
        if (TRACKER.get(connection) == null) {
          TRACKER.set(connection, new FrameTracker(limits.textBytes(), limits.binaryBytes()));
        }
      }
    }
    return ctx.getInvokeAction();
  }

  @Override
  public NextAction handleRead(FilterChainContext ctx) throws IOException {
    Connection<?> connection = ctx.getConnection();
    FrameTracker tracker = TRACKER.get(connection);
    if (tracker == null) {
      return ctx.getInvokeAction();
    }
    if (tracker.refusal() != null) {
      // Refused: drain what the client still sends until the connection closes.
      return ctx.getStopAction();
    }
    Object message = ctx.getMessage();
    if (!(message instanceof HttpContent content)) {
      return ctx.getInvokeAction();
    }
    Buffer buffer = content.getContent();
    FrameTracker.Refusal refusal = tracker.feed(buffer::get, buffer.position(), buffer.limit());
    if (refusal == null) {
      return ctx.getInvokeAction();
    }
    log.info(
        "Closing the WebSocket connection from {} with {}: {}",
        connection.getPeerAddress(),
        refusal.code(),
        refusal.reason());
    Buffer closeFrame = Buffers.wrap(ctx.getMemoryManager(), refusal.closeFrame());
    CLOSE_FRAME.set(connection, closeFrame);
    connection.write(closeFrame);
    // Not a graceful close: that would wait for a client that does not read to take the queue.
    CompletableFuture.delayedExecutor(LINGER.toMillis(), TimeUnit.MILLISECONDS)
        .execute(connection::terminateSilently);
    return ctx.getStopAction();
  }
}
