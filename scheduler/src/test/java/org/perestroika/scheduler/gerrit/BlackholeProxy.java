package org.perestroika.scheduler.gerrit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 whose open connections can be made to swallow all traffic while staying
 * open, as a connection does when a firewall forgets it: only a heartbeat can tell.
 */
final class BlackholeProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Link> links = new CopyOnWriteArrayList<>();

  BlackholeProxy(int target) throws IOException {
    this.target = target;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "blackhole-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** From now on the connections open now carry nothing either way; new ones work normally. */
  void swallowOpenConnections() {
    links.forEach(link -> link.swallowing = true);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        Link link = new Link(client, server);
        links.add(link);
        pump(link, client, server);
        pump(link, server, client);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Link link, Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (!link.swallowing) {
                    out.write(buffer, 0, n);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // One side went away; the finally below ends the other.
              } finally {
                link.close();
              }
            },
            "blackhole-pump");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    links.forEach(Link::close);
  }

  private static final class Link {
    private final Socket client;
    private final Socket server;
    volatile boolean swallowing;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void close() {
      try {
        client.close();
        server.close();
      } catch (IOException e) {
        // Closing a closed socket says nothing worth reporting in a test relay.
      }
    }
  }
}
