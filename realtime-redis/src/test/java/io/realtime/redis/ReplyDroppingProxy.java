package io.realtime.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy in front of a Redis that can lose Redis's replies but PONGs: commands still reach
 * Redis and run, their callers hear nothing and time out. This is a command that "timed out" but
 * ran anyway, as with a Redis stalled just after reading it, without racing the pool's PING on
 * borrow (which a SIGSTOP at the wrong moment would stall instead).
 */
final class ReplyDroppingProxy implements AutoCloseable {

  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean dropping;
  private volatile boolean trickling;

  ReplyDroppingProxy(int targetPort) throws IOException {
    this.target = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    start("proxy-accept", this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on, replies other than PONG are lost, or (false) delivered again. */
  void dropReplies(boolean drop) {
    this.dropping = drop;
  }

  /**
   * From now on, the first replies of each new connection (its handshake) reach the client in ten
   * pieces 150 ms apart, or (false) at full speed: a slow link on which every read returns within a
   * socket timeout, yet the handshake takes 1.5 s.
   */
  void trickleReplies(boolean trickle) {
    this.trickling = trickle;
  }

  private void accept() {
    try {
      while (!server.isClosed()) {
        Socket client = server.accept();
        Socket redis = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(redis);
        start("proxy-up", () -> pump(client, redis, false));
        start("proxy-down", () -> pump(redis, client, true));
      }
    } catch (IOException closed) {
      // the proxy was closed
    }
  }

  private void pump(Socket from, Socket to, boolean replies) {
    byte[] buffer = new byte[8192];
    try (from;
        to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      boolean first = true;
      while ((read = in.read(buffer)) > 0) {
        if (replies && dropping && !Arrays.equals(buffer, 0, read, PONG, 0, PONG.length)) {
          continue;
        }
        if (replies && trickling && first) {
          first = false;
          int piece = (read + 9) / 10;
          for (int at = 0; at < read; at += piece) {
            out.write(buffer, at, Math.min(piece, read - at));
            out.flush();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(150));
          }
          continue;
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException ended) {
      // either side closed: both are closed
    }
  }

  private static void start(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
