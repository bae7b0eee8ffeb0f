package io.realtime.examples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Enough of the PostgreSQL wire protocol to learn which password a client sends: it asks every
 * connection for a clear-text password, records it and refuses the login. The machine's own
 * PostgreSQL trusts local connections and never asks, so it cannot tell whether a password was
 * given.
 */
final class FakePostgres implements AutoCloseable {

  private static final int SSL_REQUEST = 80877103;
  private static final int GSS_REQUEST = 80877104;

  final List<String> passwords = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Thread acceptor;

  FakePostgres() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptAll, "fake-postgres");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String jdbcUrl(String parameters) {
    return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/postgres?" + parameters;
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try (Socket client = server.accept()) {
        client.setSoTimeout(5_000);
        serve(client);
      } catch (IOException e) {
        // A client that hung up, or the server closed: next one.
      }
    }
  }

  private void serve(Socket client) throws IOException {
    DataInputStream in = new DataInputStream(client.getInputStream());
    DataOutputStream out = new DataOutputStream(client.getOutputStream());
    while (true) {
      int length = in.readInt();
      int code = in.readInt();
      if (code == SSL_REQUEST || code == GSS_REQUEST) {
        out.writeByte('N');
        out.flush();
        continue;
      }
      in.readFully(new byte[length - 8]); // the startup parameters
      break;
    }
    out.writeByte('R'); // AuthenticationCleartextPassword
    out.writeInt(8);
    out.writeInt(3);
    out.flush();
    if (in.readUnsignedByte() != 'p') {
      return;
    }
    byte[] message = new byte[in.readInt() - 4];
    in.readFully(message);
    passwords.add(new String(message, 0, message.length - 1, StandardCharsets.UTF_8));
    byte[] error =
        "SFATAL\0C28P01\0Mpassword authentication failed\0\0".getBytes(StandardCharsets.UTF_8);
    out.writeByte('E');
    out.writeInt(error.length + 4);
    out.write(error);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
