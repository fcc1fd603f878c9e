package io.agentfleet.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import javax.net.ssl.SSLSocket;

/**
 * Speaks just enough RESP to ask "are you ready, and who are you?". Used instead of a client
 * library so that a Redis still loading its AOF ({@code -LOADING}) simply counts as not ready.
 */
final class RespPing {

    private static final Duration SOCKET_TIMEOUT = Duration.ofMillis(500);
    private static final String PROCESS_ID = "process_id:";

    private RespPing() {}

    /** True when the Redis at host:port answers PING with PONG (so it has finished loading). */
    static boolean answers(String host, int port) {
        try (Socket socket = connect(host, port)) {
            send(socket, "PING");
            return readLine(socket.getInputStream()).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The process id a ready Redis reports in {@code INFO server}; empty when it is not ready. Lets
     * the fixture make sure the Redis answering on a port is the one it just started.
     */
    static OptionalLong readyProcessId(String host, int port) {
        return readyProcessId(host, port, RedisSecurity.none());
    }

    /** As {@link #readyProcessId(String, int)}, over TLS and/or after AUTH as {@code security} says. */
    static OptionalLong readyProcessId(String host, int port, RedisSecurity security) {
        try (Socket socket = connect(host, port, security)) {
            InputStream in = socket.getInputStream();
            if (security.hasUser()) {
                send(socket, "AUTH " + security.user() + " " + security.password());
                if (!readLine(in).startsWith("+OK")) {
                    return OptionalLong.empty();
                }
            }
            send(socket, "PING");
            if (!readLine(in).startsWith("+PONG")) {
                return OptionalLong.empty();
            }
            send(socket, "INFO server");
            return parseProcessId(readBulk(in));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static Socket connect(String host, int port) throws IOException {
        return connect(host, port, RedisSecurity.none());
    }

    private static Socket connect(String host, int port, RedisSecurity security) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) SOCKET_TIMEOUT.toMillis());
            socket.setSoTimeout((int) SOCKET_TIMEOUT.toMillis());
            if (!security.isTls()) {
                return socket;
            }
            SSLSocket tls = (SSLSocket) security.tls().socketFactory().createSocket(socket, host, port, true);
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static void send(Socket socket, String inlineCommand) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readBulk(InputStream in) throws IOException {
        String header = readLine(in);
        if (!header.startsWith("$")) {
            throw new IOException("expected a bulk string, got " + header);
        }
        int length = Integer.parseInt(header.substring(1));
        byte[] body = in.readNBytes(length);
        return new String(body, StandardCharsets.UTF_8);
    }

    private static OptionalLong parseProcessId(String info) {
        return info.lines()
                .filter(line -> line.startsWith(PROCESS_ID))
                .mapToLong(line ->
                        Long.parseLong(line.substring(PROCESS_ID.length()).trim()))
                .findFirst();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
