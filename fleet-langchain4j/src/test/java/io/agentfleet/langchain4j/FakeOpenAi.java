package io.agentfleet.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI-compatible {@code /v1/chat/completions} on loopback: scripted replies in order, then a default answer.
 * Records every request body.
 */
final class FakeOpenAi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A scripted reply: an answer {@code text} with usage when {@code status} is 200, else {@code body}. */
    record Reply(int status, Map<String, String> headers, String text, String body, Duration delay) {
        static Reply answer(String text) {
            return new Reply(200, Map.of(), text, null, Duration.ZERO);
        }

        static Reply status(int status, String body, Map<String, String> headers) {
            return new Reply(status, headers, null, body, Duration.ZERO);
        }

        static Reply slow(Duration delay) {
            return new Reply(200, Map.of(), "late", null, delay);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    private FakeOpenAi(HttpServer server) {
        this.server = server;
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static FakeOpenAi start() {
        try {
            return new FakeOpenAi(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    void then(Reply reply) {
        script.addLast(reply);
    }

    List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    void reset() {
        script.clear();
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode request = JSON.readTree(body);
            requests.add(request);
            Reply reply = script.isEmpty() ? Reply.answer("default answer") : script.pollFirst();
            pause(reply.delay());
            reply.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            String response = reply.status() == 200 ? completion(request, reply.text()) : reply.body();
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String completion(JsonNode request, String text) {
        var root = JSON.createObjectNode()
                .put("id", "chatcmpl-1")
                .put("object", "chat.completion")
                .put("created", 1)
                .put("model", request.path("model").asText());
        var choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", text);
        root.putObject("usage")
                .put("prompt_tokens", 12)
                .put("completion_tokens", 5)
                .put("total_tokens", 17);
        return root.toString();
    }

    private static void pause(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
