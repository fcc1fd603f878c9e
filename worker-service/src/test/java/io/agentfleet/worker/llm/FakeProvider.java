package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An LLM provider on loopback speaking both wire formats ({@code /v1/chat/completions} and {@code /v1/messages}):
 * scripted replies first, then a default answer. Records every request with its arrival time.
 */
final class FakeProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received. */
    record Received(String path, Map<String, String> headers, String body, long arrivedNanos) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        boolean isAnthropic() {
            return path.endsWith("/messages") && !path.endsWith("/chat/completions");
        }

        /** All message contents (and the system prompt) joined, to look for prompt pieces. */
        String promptText() {
            JsonNode json = json();
            StringBuilder text = new StringBuilder(json.path("system").asText(""));
            json.path("messages")
                    .forEach(m -> text.append('\n').append(m.path("content").asText()));
            return text.toString();
        }
    }

    /** A scripted reply; a {@code null} body means "answer {@code text} in the request's wire format". */
    record Reply(
            int status,
            Map<String, String> headers,
            String body,
            String text,
            long tokensIn,
            long tokensOut,
            Duration delay) {
        static Reply answer(String text) {
            return new Reply(200, Map.of(), null, text, 11, 7, Duration.ZERO);
        }

        static Reply answer(String text, long tokensIn, long tokensOut) {
            return new Reply(200, Map.of(), null, text, tokensIn, tokensOut, Duration.ZERO);
        }

        static Reply status(int status, String body) {
            return new Reply(status, Map.of(), body, null, 0, 0, Duration.ZERO);
        }

        Reply header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, more, body, text, tokensIn, tokensOut, delay);
        }

        Reply after(Duration wait) {
            return new Reply(status, headers, body, text, tokensIn, tokensOut, wait);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> fallback = request -> Reply.answer("ok");

    private FakeProvider(HttpServer server) {
        this.server = server;
    }

    static FakeProvider start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            FakeProvider fake = new FakeProvider(server);
            server.createContext("/", fake::serve);
            server.setExecutor(fake.executor);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL in the OpenAI convention (ending in /v1). */
    URI openAiBase() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** Base URL in the Anthropic convention (no /v1). */
    URI anthropicBase() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Replies used in order, one per request, before the fallback. */
    FakeProvider then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    FakeProvider otherwise(Function<Received, Reply> reply) {
        this.fallback = reply;
        return this;
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    Received last() {
        return received.get(received.size() - 1);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received request = new Received(exchange.getRequestURI().getPath(), headers, body, System.nanoTime());
            received.add(request);
            Reply reply = script.pollFirst();
            if (reply == null) {
                reply = fallback.apply(request);
            }
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes =
                    (reply.body() != null ? reply.body() : success(request, reply)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (IOException e) {
            // The client gave up (a timeout test): nothing to answer.
        }
    }

    private static String success(Received request, Reply reply) {
        String model = request.json().path("model").asText("fake-model");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (request.isAnthropic()) {
            body.put("id", "msg_fake")
                    .put("type", "message")
                    .put("role", "assistant")
                    .put("model", model);
            body.putArray("content").addObject().put("type", "text").put("text", reply.text());
            body.put("stop_reason", "end_turn");
            body.putObject("usage").put("input_tokens", reply.tokensIn()).put("output_tokens", reply.tokensOut());
        } else {
            body.put("id", "chatcmpl-fake").put("object", "chat.completion").put("model", model);
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", reply.text());
            body.putObject("usage")
                    .put("prompt_tokens", reply.tokensIn())
                    .put("completion_tokens", reply.tokensOut())
                    .put("total_tokens", reply.tokensIn() + reply.tokensOut());
        }
        return body.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
