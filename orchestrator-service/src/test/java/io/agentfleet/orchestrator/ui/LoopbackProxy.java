package io.agentfleet.orchestrator.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback in front of the orchestrator, for the browser: a test can cut every connection (as a
 * network drop or a restarted load balancer would), refuse new ones for a while, and read the requests the browser
 * sent.
 */
final class LoopbackProxy implements AutoCloseable {
    /** Bytes kept of what the browser sent on one connection. */
    private static final int KEPT_PER_CONNECTION = 256 * 1024;

    private final ServerSocket server;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<StringBuffer> sent = new CopyOnWriteArrayList<>();
    private volatile boolean refusing;

    private LoopbackProxy(ServerSocket server, int target) {
        this.server = server;
        this.target = target;
        Thread.ofVirtual().name("loopback-proxy").start(this::acceptLoop);
    }

    static LoopbackProxy to(int targetPort) {
        try {
            return new LoopbackProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection and refuses new ones (accepted, then closed at once) until {@link #allow()}. */
    void cut() {
        refusing = true;
        open.forEach(LoopbackProxy::closeQuietly);
        open.clear();
    }

    void allow() {
        refusing = false;
    }

    /** The requests (heads and bodies) the browser sent, one string per connection, oldest first. */
    List<String> sent() {
        return sent.stream().map(StringBuffer::toString).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(upstream);
                StringBuffer record = new StringBuffer();
                sent.add(record);
                Thread.ofVirtual().start(() -> pump(client, upstream, record));
                Thread.ofVirtual().start(() -> pump(upstream, client, null));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to, StringBuffer record) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (record != null && record.length() < KEPT_PER_CONNECTION) {
                    record.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The other side closed, or the test cut the connection.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was asked.
        }
    }

    @Override
    public void close() {
        cut();
        try {
            server.close();
        } catch (IOException e) {
            // Closing is all that was asked.
        }
    }
}
