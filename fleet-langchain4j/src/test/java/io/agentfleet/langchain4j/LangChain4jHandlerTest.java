package io.agentfleet.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.langchain4j.FakeOpenAi.Reply;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Failure;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The handler against an OpenAI-compatible server on loopback, through LangChain4j's real OpenAI model. */
class LangChain4jHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeOpenAi provider;

    private final TaskContext context =
            new TaskContext("writer", "w1", 1, 3, Instant.now().plusSeconds(60), Clock.systemUTC(), JSON);

    @BeforeAll
    static void startProvider() {
        provider = FakeOpenAi.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.close();
    }

    @BeforeEach
    void reset() {
        provider.reset();
    }

    @Test
    void answersWithTheModelsTextAndReportsTokenUsage() throws Exception {
        provider.then(Reply.answer("Redis Streams keep tasks durable."));

        HandlerResult result = handler(Duration.ofSeconds(10))
                .handle(
                        task(JSON.createObjectNode()
                                .put("input", "Why streams?")
                                .put("system", "Be brief.")),
                        context);

        assertEquals(
                "Redis Streams keep tasks durable.", result.output().get("text").asText());
        assertFalse(result.output().has("json"));
        assertEquals(12L, result.usage().tokensIn());
        assertEquals(5L, result.usage().tokensOut());
        assertEquals("test-model", result.usage().model());
        JsonNode sent = provider.requests().getFirst();
        assertEquals("test-model", sent.path("model").asText());
        assertEquals("system", sent.path("messages").get(0).path("role").asText());
        assertEquals("Be brief.", sent.path("messages").get(0).path("content").asText());
        assertEquals("user", sent.path("messages").get(1).path("role").asText());
        assertEquals(
                "Why streams?", sent.path("messages").get(1).path("content").asText());
        assertEquals(64, sent.path("max_completion_tokens").asInt());
    }

    @Test
    void aJsonAnswerIsAlsoGivenAsJson() throws Exception {
        provider.then(Reply.answer("{\"verdict\": \"approve\"}"));
        ObjectNode input = JSON.createObjectNode();
        input.putObject("input").put("diff", "+1 line");

        HandlerResult result = handler(Duration.ofSeconds(10)).handle(task(input), context);

        assertEquals("approve", result.output().path("json").path("verdict").asText());
        assertEquals(
                "{\"diff\":\"+1 line\"}",
                provider.requests()
                        .getFirst()
                        .path("messages")
                        .get(0)
                        .path("content")
                        .asText());
    }

    @Test
    void rateLimitIsRetryableAfterTheProvidersWaitWithExactlyOneCall() {
        provider.then(Reply.status(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "7")));

        Failure failure = failureOf(handler(Duration.ofSeconds(10)));

        assertEquals("RATE_LIMITED", failure.type());
        assertTrue(failure.retryable());
        assertEquals(Duration.ofSeconds(7), failure.retryAfter());
        assertEquals(1, provider.requests().size(), "the model must not retry by itself");
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503})
    void serverErrorIsRetryableWithExactlyOneCall(int status) {
        provider.then(
                Reply.status(status, "{\"error\":{\"message\":\"overloaded\"}}", Map.of("retry-after-ms", "1500")));

        Failure failure = failureOf(handler(Duration.ofSeconds(10)));

        assertEquals("PROVIDER_ERROR", failure.type());
        assertTrue(failure.retryable());
        assertEquals(Duration.ofMillis(1500), failure.retryAfter());
        assertEquals(1, provider.requests().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 422})
    void rejectedRequestIsPermanentWithExactlyOneCall(int status) {
        provider.then(Reply.status(status, "{\"error\":{\"message\":\"unknown parameter\"}}", Map.of()));

        Failure failure = failureOf(handler(Duration.ofSeconds(10)));

        assertEquals("PROVIDER_REJECTED", failure.type());
        assertFalse(failure.retryable());
        assertTrue(failure.message().contains("HTTP " + status), failure.message());
        assertTrue(failure.message().contains("unknown parameter"), failure.message());
        assertEquals(1, provider.requests().size());
    }

    @Test
    void unreachableProviderIsRetryable() throws Exception {
        LangChain4jSettings settings = new LangChain4jSettings(
                "writer",
                URI.create("http://127.0.0.1:" + closedPort() + "/v1"),
                "m",
                "",
                "none",
                Duration.ofSeconds(5),
                null);
        LangChain4jHandler handler = new LangChain4jHandler("writer", LangChain4jHandlerProvider.chatModel(settings));

        Failure failure = failureOf(handler);

        assertEquals("PROVIDER_UNAVAILABLE", failure.type());
        assertTrue(failure.retryable());
    }

    @Test
    void slowModelTimesOutRetryably() {
        provider.then(Reply.slow(Duration.ofSeconds(3)));

        Failure failure = failureOf(handler(Duration.ofMillis(300)));

        assertEquals("PROVIDER_TIMEOUT", failure.type());
        assertTrue(failure.retryable());
        assertEquals(1, provider.requests().size());
    }

    @Test
    void anEchoedKeyIsRedactedFromTheFailure() {
        provider.then(Reply.status(401, "{\"error\":{\"message\":\"Incorrect API key: sk-test\"}}", Map.of()));

        Failure failure = failureOf(handler(Duration.ofSeconds(10)));

        assertFalse(failure.message().contains("sk-test"), failure.message());
        assertTrue(failure.message().contains("[redacted]"), failure.message());
    }

    @Test
    void requestTimeoutStatusIsRetryable() {
        provider.then(Reply.status(408, "{\"error\":{\"message\":\"too slow\"}}", Map.of()));

        Failure failure = failureOf(handler(Duration.ofSeconds(10)));

        assertEquals("PROVIDER_TIMEOUT", failure.type());
        assertTrue(failure.retryable());
        assertEquals(1, provider.requests().size());
    }

    @Test
    void taskWithoutInputIsPermanentWithoutACall() {
        HandlerFailure thrown = assertThrows(
                HandlerFailure.class,
                () -> handler(Duration.ofSeconds(10))
                        .handle(task(JSON.createObjectNode().put("x", 1)), context));

        assertEquals("INVALID_INPUT", thrown.failure().type());
        assertFalse(thrown.failure().retryable());
        assertTrue(provider.requests().isEmpty());
    }

    private Failure failureOf(LangChain4jHandler handler) {
        return assertThrows(
                        HandlerFailure.class,
                        () -> handler.handle(task(JSON.createObjectNode().put("input", "hi")), context))
                .failure();
    }

    private static LangChain4jHandler handler(Duration timeout) {
        LangChain4jSettings settings = new LangChain4jSettings(
                "writer", provider.baseUrl(), "test-model", "sk-test", "a literal", timeout, 64);
        return new LangChain4jHandler("writer", LangChain4jHandlerProvider.chatModel(settings), settings.apiKey());
    }

    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static AgentMessage task(ObjectNode content) {
        return AgentMessage.request("writer", content).build();
    }
}
