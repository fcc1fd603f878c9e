package io.agentfleet.orchestrator.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection, for hostile requests a client library would refuse or
 * normalise: raw bytes in the request line, any method, any header value, a body whose encoding lies. It reads the
 * answer by Content-Length, chunks or to the end of the stream, and stops after the headers of an event stream.
 */
public final class RawHttp {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private RawHttp() {}

    /** An answer; {@code status} is -1 when the server closed the connection without one. */
    public record Reply(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Sends {@code method target} with {@code headers} (Host and Connection: close added) and {@code body} (null: none;
     * sent chunked when the headers say {@code Transfer-Encoding: chunked}, else with its Content-Length).
     */
    public static Reply send(int port, String method, String target, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            try {
                write(socket.getOutputStream(), port, method, target, headers, body);
            } catch (IOException closedEarly) {
                // The server may answer (413) and close before it has read a large body: read what it sent.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + abbreviate(target) + " got no answer", e);
        }
    }

    private static void write(
            OutputStream out, int port, String method, String target, Map<String, String> headers, byte[] body)
            throws IOException {
        boolean chunked = headers.entrySet().stream()
                .anyMatch(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding")
                        && h.getValue().equalsIgnoreCase("chunked"));
        StringBuilder head = new StringBuilder()
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port)
                .append("\r\nConnection: close\r\n");
        headers.forEach(
                (name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body != null && !chunked) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        if (body != null && chunked) {
            for (int at = 0; at < body.length; at += 65536) {
                int n = Math.min(65536, body.length - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, at, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int headerEnd = -1;
        byte[] buffer = new byte[8192];
        while (headerEnd < 0) {
            int n = readSome(in, buffer);
            if (n < 0) {
                return new Reply(-1, Map.of(), raw.toByteArray());
            }
            raw.write(buffer, 0, n);
            headerEnd = indexOf(raw.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] all = raw.toByteArray();
        String[] lines = new String(all, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(all, headerEnd + 4, all.length - headerEnd - 4);
        String type = headers.getOrDefault("content-type", "");
        if (!type.startsWith("text/event-stream")) {
            readRest(in, body, headers);
        }
        byte[] bytes = body.toByteArray();
        return new Reply(
                status, headers, "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? dechunk(bytes) : bytes);
    }

    private static void readRest(InputStream in, ByteArrayOutputStream body, Map<String, String> headers)
            throws IOException {
        String length = headers.get("content-length");
        byte[] buffer = new byte[8192];
        while (length == null || body.size() < Long.parseLong(length)) {
            int n = readSome(in, buffer);
            if (n < 0) {
                return;
            }
            body.write(buffer, 0, n);
        }
    }

    private static int readSome(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (SocketTimeoutException e) {
            throw new IOException("no complete answer within " + READ_TIMEOUT, e);
        } catch (IOException reset) {
            // A reset after the answer was sent (the server closed with unread request bytes) ends the answer.
            return -1;
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, at, "\r\n".getBytes(StandardCharsets.US_ASCII));
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] needle) {
        return indexOf(data, 0, needle);
    }

    private static int indexOf(byte[] data, int from, byte[] needle) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…(" + text.length() + " chars)";
    }
}
