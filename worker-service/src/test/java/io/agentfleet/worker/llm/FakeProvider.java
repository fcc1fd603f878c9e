package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * scripted replies first, then a default answer. Records every request with its arrival time. Every request is
 * checked against the provider's documented shape ({@link ProviderShapes}) and answered 400 when it breaks it. Public
 * and packaged in this module's test jar, so the orchestrator's agent-loop tests drive a real worker against it.
 */
public final class FakeProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as received. */
    public record Received(String path, Map<String, String> headers, String body, long arrivedNanos) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        public boolean isAnthropic() {
            return path.endsWith("/messages") && !path.endsWith("/chat/completions");
        }

        /** All message contents (and the system prompt) joined, to look for prompt pieces. */
        public String promptText() {
            JsonNode json = json();
            StringBuilder text = new StringBuilder(json.path("system").asText(""));
            json.path("messages").forEach(m -> {
                JsonNode content = m.path("content");
                text.append('\n').append(content.isTextual() ? content.asText() : content.toString());
            });
            return text.toString();
        }
    }

    /** A tool call scripted into a reply; {@code arguments} is JSON text. */
    public record Call(String id, String name, String arguments) {}

    /**
     * A scripted reply; a {@code null} body means "answer {@code text} (and {@code calls}) in the request's wire
     * format". To an Anthropic request that forces a tool ({@code tool_choice: {type: tool}}), a text answer comes back
     * as that tool's {@code tool_use} input, as the real API does.
     */
    public record Reply(
            int status,
            Map<String, String> headers,
            String body,
            String text,
            long tokensIn,
            long tokensOut,
            Duration delay,
            List<Call> calls) {
        public static Reply answer(String text) {
            return answer(text, 11, 7);
        }

        public static Reply answer(String text, long tokensIn, long tokensOut) {
            return new Reply(200, Map.of(), null, text, tokensIn, tokensOut, Duration.ZERO, List.of());
        }

        public static Reply toolCalls(Call... calls) {
            return new Reply(200, Map.of(), null, "", 11, 7, Duration.ZERO, List.of(calls));
        }

        public static Reply status(int status, String body) {
            return new Reply(status, Map.of(), body, null, 0, 0, Duration.ZERO, List.of());
        }

        public Reply header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, more, body, text, tokensIn, tokensOut, delay, calls);
        }

        public Reply after(Duration wait) {
            return new Reply(status, headers, body, text, tokensIn, tokensOut, wait, calls);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> fallback = request -> Reply.answer("ok");
    private volatile boolean legacyMaxTokens;

    private FakeProvider(HttpServer server) {
        this.server = server;
    }

    public static FakeProvider start() {
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
    public URI openAiBase() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    /** Base URL in the Anthropic convention (no /v1). */
    public URI anthropicBase() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Replies used in order, one per request, before the fallback. */
    public FakeProvider then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public FakeProvider otherwise(Function<Received, Reply> reply) {
        this.fallback = reply;
        return this;
    }

    /** Act as an OpenAI-compatible server that wants {@code max_tokens} and rejects {@code max_completion_tokens}. */
    public FakeProvider legacyMaxTokens() {
        this.legacyMaxTokens = true;
        return this;
    }

    /** Every shape violation seen, each answered with a 400 as the real provider would. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public Received last() {
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
            List<String> problems = request.isAnthropic()
                    ? ProviderShapes.anthropic(request.json(), request.header("anthropic-version"))
                    : ProviderShapes.openAi(request.json(), legacyMaxTokens);
            if (!problems.isEmpty()) {
                violations.addAll(problems);
                respond(exchange, 400, invalidRequest(problems));
                return;
            }
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
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            respond(exchange, reply.status(), reply.body() != null ? reply.body() : success(request, reply));
        } catch (IOException e) {
            // The client gave up (a timeout test): nothing to answer.
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String invalidRequest(List<String> problems) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("error")
                .put("type", "invalid_request_error")
                .put("message", "fake provider: " + String.join("; ", problems));
        return body.toString();
    }

    private static String success(Received request, Reply reply) {
        JsonNode json = request.json();
        String model = json.path("model").asText("fake-model");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (request.isAnthropic()) {
            body.put("id", "msg_fake")
                    .put("type", "message")
                    .put("role", "assistant")
                    .put("model", model);
            ArrayNode content = body.putArray("content");
            JsonNode choice = json.path("tool_choice");
            List<Call> calls = reply.calls();
            if (calls.isEmpty() && "tool".equals(choice.path("type").asText())) {
                calls = List.of(new Call("toolu_forced", choice.path("name").asText(), reply.text()));
            } else if (!reply.text().isEmpty() || calls.isEmpty()) {
                content.addObject().put("type", "text").put("text", reply.text());
            }
            for (Call call : calls) {
                content.addObject()
                        .put("type", "tool_use")
                        .put("id", call.id())
                        .put("name", call.name())
                        .set("input", parse(call.arguments()));
            }
            body.put("stop_reason", calls.isEmpty() ? "end_turn" : "tool_use");
            body.putObject("usage").put("input_tokens", reply.tokensIn()).put("output_tokens", reply.tokensOut());
        } else {
            body.put("id", "chatcmpl-fake").put("object", "chat.completion").put("model", model);
            ObjectNode choice = body.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", reply.calls().isEmpty() ? "stop" : "tool_calls");
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            if (reply.calls().isEmpty() || !reply.text().isEmpty()) {
                message.put("content", reply.text());
            } else {
                message.putNull("content");
            }
            if (!reply.calls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (Call call : reply.calls()) {
                    ObjectNode entry = calls.addObject().put("id", call.id()).put("type", "function");
                    entry.putObject("function").put("name", call.name()).put("arguments", call.arguments());
                }
            }
            body.putObject("usage")
                    .put("prompt_tokens", reply.tokensIn())
                    .put("completion_tokens", reply.tokensOut())
                    .put("total_tokens", reply.tokensIn() + reply.tokensOut());
        }
        return body.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
