package io.realtime.benchmarks.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code limit} system: what a WebSocket broadcast costs with nothing around it, on Netty. Each
 * event is encoded once into one buffer and one {@link TextWebSocketFrame}; every recipient gets a
 * {@code retainedDuplicate()} of it, written from its own event loop (one task per event loop and
 * event, not one per connection), and a batch of events is flushed once per connection. Clients are
 * kept in one {@link ChannelGroup} per event loop. No queue bound, no ordering beyond TCP's, no
 * heartbeat, no resync: the ceiling the other systems are read against.
 *
 * <p>It serves the same paths as {@link BenchServer}: WebSocket clients on {@code /ws/events}, and
 * the control API on {@code /bench/*}, answered by the {@link BenchServer} it is given.
 */
final class LimitServer {

  private final BenchServer control;
  private final EventLoopGroup workers =
      new MultiThreadIoEventLoopGroup(
          Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
  private final Map<EventLoop, ChannelGroup> groups = new ConcurrentHashMap<>();
  // Control calls may publish thousands of events: never on an event loop.
  private final ExecutorService controlThread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "limit-control");
            thread.setDaemon(true);
            return thread;
          });

  LimitServer(BenchServer control) {
    this.control = control;
  }

  /**
   * Writes one frame to every client.
   *
   * @param text the frame
   * @param flush whether to flush now, or leave it to the next {@link #flush()}
   */
  void broadcast(String text, boolean flush) {
    TextWebSocketFrame frame =
        new TextWebSocketFrame(ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, text));
    try {
      for (Map.Entry<EventLoop, ChannelGroup> loop : groups.entrySet()) {
        ChannelGroup group = loop.getValue();
        frame.retain();
        loop.getKey()
            .execute(
                () -> {
                  try {
                    for (Channel channel : group) {
                      channel.write(frame.retainedDuplicate(), channel.voidPromise());
                      if (flush) {
                        channel.flush();
                      }
                    }
                  } finally {
                    frame.release();
                  }
                });
      }
    } finally {
      frame.release();
    }
  }

  /** Flushes what {@link #broadcast} wrote without flushing. */
  void flush() {
    groups.forEach(
        (loop, group) ->
            loop.execute(
                () -> {
                  for (Channel channel : group) {
                    channel.flush();
                  }
                }));
  }

  int count() {
    int count = 0;
    for (ChannelGroup group : groups.values()) {
      count += group.size();
    }
    return count;
  }

  /** Listens on {@code port} until the process is killed. */
  void serve(int port) throws InterruptedException {
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    WebSocketServerProtocolConfig websocket =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/ws/events")
            .maxFramePayloadLength(65_536)
            .handshakeTimeoutMillis(30_000)
            .build();
    new ServerBootstrap()
        .group(acceptor, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel channel) {
                channel
                    .pipeline()
                    .addLast(
                        new HttpServerCodec(),
                        new HttpObjectAggregator(65_536),
                        new WebSocketServerProtocolHandler(websocket),
                        new Handler());
              }
            })
        .bind("0.0.0.0", port)
        .sync()
        .channel()
        .closeFuture()
        .sync();
  }

  /** Keeps upgraded clients in their event loop's group; answers the control API. */
  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        Channel channel = ctx.channel();
        groups
            .computeIfAbsent(channel.eventLoop(), loop -> new DefaultChannelGroup(loop))
            .add(channel);
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A client that went away mid-write (the harness aborts its clients): nothing to report.
      ctx.close();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      QueryStringDecoder query = new QueryStringDecoder(request.uri());
      boolean post = request.method().equals(HttpMethod.POST);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      controlThread.execute(
          () -> {
            HttpResponseStatus status = HttpResponseStatus.OK;
            String body;
            try {
              body = answer(post, query.path(), query.parameters());
            } catch (RuntimeException e) {
              status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
              body = "{\"error\":\"" + e.getClass().getSimpleName() + "\"}";
            }
            if (body == null) {
              status = HttpResponseStatus.NOT_FOUND;
              body = "{}";
            }
            FullHttpResponse response =
                new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response
                .headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            ChannelFuture written = ctx.writeAndFlush(response);
            if (!keepAlive) {
              written.addListener(ChannelFutureListener.CLOSE);
            }
          });
    }

    /** The control API's answer, or null for an unknown path. */
    private String answer(boolean post, String path, Map<String, List<String>> parameters) {
      if (!post) {
        return control.stats("true".equals(first(parameters, "gc")));
      }
      switch (path) {
        case "/bench/publish" -> control.publish(Long.parseLong(first(parameters, "count")));
        case "/bench/pace" ->
            control.pace(
                Integer.parseInt(first(parameters, "rate")),
                Integer.parseInt(first(parameters, "seconds")));
        default -> {
          return null;
        }
      }
      return "{\"ok\":true}";
    }

    private static String first(Map<String, List<String>> parameters, String name) {
      List<String> values = parameters.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }
  }
}
