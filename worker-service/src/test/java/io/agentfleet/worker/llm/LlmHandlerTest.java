package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static io.agentfleet.worker.llm.LlmTasks.content;
import static io.agentfleet.worker.llm.LlmTasks.contextFor;
import static io.agentfleet.worker.llm.LlmTasks.task;
import static io.agentfleet.worker.llm.LlmTasks.taskWithInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.llm.FakeProvider.Reply;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class LlmHandlerTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String KEY = "sk-test-0123456789abcdefSECRET";
    private static FleetRedis connection;

    private FakeProvider provider;
    private final Clock clock = Clock.systemUTC();

    @BeforeAll
    static void connect() {
        connection = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS);
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @BeforeEach
    void startProvider() {
        provider = FakeProvider.start();
    }

    @AfterEach
    void stopProvider() {
        provider.close();
    }

    private LlmTasks.Config openAi() {
        return config().set("llm", "provider", "openai")
                .set("llm", "base-url", provider.openAiBase())
                .env("OPENAI_API_KEY", KEY);
    }

    private LlmTasks.Config anthropic() {
        return config().set("llm", "provider", "anthropic")
                .set("llm", "base-url", provider.anthropicBase())
                .env("ANTHROPIC_API_KEY", KEY);
    }

    private HandlerResult run(LlmTasks.Config config, String agentType, ObjectNode content) throws Exception {
        return config.handler(agentType, connection, clock)
                .handle(task(agentType, content), contextFor(agentType, clock));
    }

    private HandlerFailure failureOf(LlmTasks.Config config, String input) {
        LlmHandler handler = config.handler("llm", connection, clock);
        return assertThrows(
                HandlerFailure.class, () -> handler.handle(taskWithInput("llm", input), contextFor("llm", clock)));
    }

    private static ObjectNode input(String text) {
        ObjectNode content = content();
        content.put("input", text);
        return content;
    }

    @Test
    void answersOverOpenAiChatCompletions() throws Exception {
        provider.then(Reply.answer("Paris"));
        LlmTasks.Config config = openAi().set("llm", "model", "gpt-test")
                .set("llm", "system-prompt", "Be brief.")
                .set("llm", "max-tokens", 64)
                .set("llm", "temperature", 0.2);

        HandlerResult result = run(config, "llm", input("Capital of France?"));

        assertEquals("Paris", result.output().path("text").asText());
        FakeProvider.Received request = provider.last();
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("Bearer " + KEY, request.header("Authorization"));
        JsonNode body = request.json();
        assertEquals("gpt-test", body.path("model").asText());
        assertEquals(64, body.path("max_completion_tokens").asInt());
        assertFalse(body.has("max_tokens"), "deprecated for chat completions and rejected by reasoning models");
        assertEquals(0.2, body.path("temperature").asDouble());
        assertEquals("system", body.path("messages").path(0).path("role").asText());
        assertEquals("Be brief.", body.path("messages").path(0).path("content").asText());
        assertEquals("user", body.path("messages").path(1).path("role").asText());
        assertTrue(body.path("messages").path(1).path("content").asText().contains("Capital of France?"));
        assertEquals("gpt-test", result.usage().model());
    }

    @Test
    void answersOverAnthropicMessages() throws Exception {
        provider.then(Reply.answer("Bonjour"));
        LlmTasks.Config config =
                anthropic().set("llm", "model", "claude-test").set("llm", "system-prompt", "Be French.");

        HandlerResult result = run(config, "llm", input("Say hello"));

        assertEquals("Bonjour", result.output().path("text").asText());
        FakeProvider.Received request = provider.last();
        assertEquals("/v1/messages", request.path());
        assertEquals(KEY, request.header("x-api-key"));
        assertEquals("2023-06-01", request.header("anthropic-version"));
        JsonNode body = request.json();
        assertEquals("claude-test", body.path("model").asText());
        assertEquals("Be French.", body.path("system").asText());
        assertEquals(
                LlmSettingsLoader.DEFAULT_MAX_TOKENS, body.path("max_tokens").asInt());
        assertEquals(1, body.path("messages").size());
        assertEquals("user", body.path("messages").path(0).path("role").asText());
    }

    @Test
    void aTasksMaxTokensFromTheOrchestratorCapsTheAnswerButNeverRaisesIt() throws Exception {
        provider.then(Reply.answer("short"), Reply.answer("long"));
        LlmTasks.Config config = openAi().set("llm", "max-tokens", 64);
        ObjectNode capped = input("Be short");
        capped.put("maxTokens", 20);
        ObjectNode roomy = input("Be long");
        roomy.put("maxTokens", 500);

        run(config, "llm", capped);
        assertEquals(20, provider.last().json().path("max_completion_tokens").asInt());
        run(config, "llm", roomy);
        assertEquals(64, provider.last().json().path("max_completion_tokens").asInt());
    }

    @Test
    void reportsTokensCostModelAndLatencyInTheResultMetadata() throws Exception {
        provider.then(Reply.answer("done", 2000, 500));
        LlmTasks.Config config = anthropic()
                .set("llm", "model", "claude-test")
                .set("llm", "price-in-per-1m", 3)
                .set("llm", "price-out-per-1m", 15);

        Metadata usage = run(config, "llm", input("Summarise")).usage();

        assertEquals(2000L, usage.tokensIn());
        assertEquals(500L, usage.tokensOut());
        assertEquals(2 * 0.003 + 0.5 * 0.015, usage.cost(), 1e-9);
        assertEquals("claude-test", usage.model());
        assertNotNull(usage.latencyMs());
    }

    @Test
    void withoutAnOwnPriceTheCostComesFromThePriceTableForTheAnsweringModel() throws Exception {
        provider.then(Reply.answer("done", 1_000_000, 100_000));
        LlmTasks.Config config =
                openAi().set("llm", "model", "gpt-4o-mini-2024-07-18").env("FLEET_LLM_PRICES", "gpt-4o-mini=0.2/0.8");

        Metadata usage = run(config, "llm", input("Summarise")).usage();

        assertEquals(0.2 + 0.1 * 0.8, usage.cost(), 1e-9, "the overridden gpt-4o-mini entry, not gpt-4o's");
    }

    @Test
    void promptCarriesTheInputTheDependencyOutputsAndTheReviewerFeedback() throws Exception {
        ObjectNode content = input("Write the release notes");
        content.putObject("context").putObject("research-1").put("text", "Feature X shipped");
        content.put("feedback", "Mention the migration step");
        content.put("revision", 1);

        run(openAi(), "llm", content);

        String prompt = provider.last().promptText();
        assertTrue(prompt.contains("Write the release notes"), prompt);
        assertTrue(prompt.contains("### Output of task research-1\nFeature X shipped"), prompt);
        assertTrue(prompt.contains("Mention the migration step"), prompt);
        assertTrue(prompt.contains("revision 1"), prompt);
    }

    @Test
    void tooManyRequestsIsRetryableAfterTheProvidersRetryAfter() {
        provider.then(Reply.status(429, "{\"error\":{\"message\":\"Rate limit reached\"}}")
                .header("Retry-After", "7"));

        Failure failure = failureOf(openAi(), "hi").failure();

        assertEquals("RATE_LIMITED", failure.type());
        assertTrue(failure.retryable());
        assertEquals(Duration.ofSeconds(7), failure.retryAfter());
        assertTrue(failure.message().contains("Rate limit reached"), failure.message());
    }

    @Test
    void serverErrorIsRetryableAndOtherClientErrorsArePermanent() {
        provider.then(
                Reply.status(500, "{\"error\":{\"message\":\"upstream exploded\"}}"),
                Reply.status(
                        400,
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens too large\"}}"));

        Failure serverError = failureOf(openAi(), "hi").failure();
        Failure badRequest = failureOf(openAi(), "hi").failure();

        assertEquals("PROVIDER_ERROR", serverError.type());
        assertTrue(serverError.retryable());
        assertTrue(serverError.message().contains("HTTP 500"), serverError.message());
        assertEquals("PROVIDER_REJECTED", badRequest.type());
        assertFalse(badRequest.retryable());
        assertTrue(badRequest.message().contains("max_tokens too large"), badRequest.message());
    }

    @Test
    void slowProviderTimesOutRetryably() {
        provider.then(Reply.answer("too late").after(Duration.ofSeconds(5)));

        Failure failure =
                failureOf(openAi().set("llm", "read-timeout", "300ms"), "hi").failure();

        assertEquals("PROVIDER_TIMEOUT", failure.type());
        assertTrue(failure.retryable());
    }

    @Test
    void unreachableProviderIsRetryable() {
        LlmTasks.Config config =
                config().set("llm", "base-url", "http://127.0.0.1:1/v1").set("llm", "connect-timeout", "2s");

        Failure failure = failureOf(config, "hi").failure();

        assertEquals("PROVIDER_UNAVAILABLE", failure.type());
        assertTrue(failure.retryable());
    }

    @Test
    void malformedBodyIsARetryableFailure() {
        provider.then(Reply.status(200, "<html>Bad gateway</html>"), Reply.status(200, "{\"choices\":[]}"));

        Failure notJson = failureOf(openAi(), "hi").failure();
        Failure noChoice = failureOf(openAi(), "hi").failure();

        assertEquals("MALFORMED_RESPONSE", notJson.type());
        assertTrue(notJson.retryable());
        assertTrue(notJson.message().contains("<html>Bad gateway"), notJson.message());
        assertEquals("MALFORMED_RESPONSE", noChoice.type());
        assertTrue(noChoice.message().contains("choices[0].message"), noChoice.message());
    }

    @Test
    void inPromptModeTheSchemaIsShownToTheModelAndTheAnswerValidatedAgainstIt() throws Exception {
        provider.then(Reply.answer("```json\n{\"title\": \"Plan\", \"steps\": 3}\n```"));
        LlmTasks.Config config = openAi().set("summary", "output", "json")
                .set("summary", "structured-output", "prompt")
                .set(
                        "summary",
                        "output-schema",
                        "{\"type\":\"object\",\"required\":[\"title\",\"steps\"],\"properties\":{\"steps\":{\"type\":\"integer\"}}}");

        HandlerResult result = run(config, "summary", input("Plan it"));

        assertEquals("Plan", result.output().path("json").path("title").asText());
        assertEquals(3, result.output().path("json").path("steps").asInt());
        assertTrue(result.output().path("text").asText().contains("\"steps\": 3"));
        assertTrue(provider.last().promptText().contains("JSON Schema"), "the schema is shown to the model");
    }

    @Test
    void inPromptModeAnInvalidJsonAnswerIsSentBackWithTheValidationErrorAndRepaired() throws Exception {
        provider.then(Reply.answer("{\"title\": \"Plan\"}"), Reply.answer("{\"title\": \"Plan\", \"steps\": 2}"));
        LlmTasks.Config config = openAi().set("summary", "output", "json")
                .set("summary", "structured-output", "prompt")
                .set("summary", "output-schema", "{\"type\":\"object\",\"required\":[\"title\",\"steps\"]}");

        HandlerResult result = run(config, "summary", input("Plan it"));

        assertEquals(2, result.output().path("json").path("steps").asInt());
        List<FakeProvider.Received> requests = provider.received();
        assertEquals(2, requests.size());
        JsonNode repair = requests.get(1).json().path("messages");
        assertEquals("assistant", repair.path(2).path("role").asText());
        String feedback = repair.path(3).path("content").asText();
        assertTrue(feedback.startsWith("Your previous answer was invalid:"), feedback);
        assertTrue(feedback.contains("steps"), feedback);
        assertEquals(22L, result.usage().tokensIn(), "both calls are counted");
    }

    @Test
    void answerThatStaysInvalidFailsPermanentlyWithInvalidOutput() {
        provider.otherwise(request -> Reply.answer("I cannot answer in JSON, sorry."));
        LlmTasks.Config config = openAi().set("llm", "output", "json").set("llm", "output-repairs", 1);

        HandlerFailure failed = failureOf(config, "hi");
        Failure failure = failed.failure();

        assertEquals("INVALID_OUTPUT", failure.type());
        assertFalse(failure.retryable(), "a dead letter, after the repair attempts");
        assertTrue(failure.message().contains("not valid JSON"), failure.message());
        assertEquals(2, provider.received().size(), "one answer and one repair");
        assertEquals(22L, failed.usage().tokensIn(), "the tokens of both answers are reported with the failure");
        assertEquals(14L, failed.usage().tokensOut());
    }

    @Test
    void apiKeyNeverAppearsInFailures() {
        // A gateway that echoes the credentials it was given, in its body and in a header-shaped message.
        provider.then(
                Reply.status(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"),
                Reply.status(502, "bad gateway; request had Authorization: Bearer " + KEY),
                Reply.status(200, "not json " + KEY));

        List<HandlerFailure> failures =
                List.of(failureOf(openAi(), "a"), failureOf(openAi(), "b"), failureOf(openAi(), "c"));

        for (HandlerFailure failure : failures) {
            assertFalse(
                    failure.failure().message().contains(KEY), failure.failure().message());
            assertFalse(failure.getMessage().contains(KEY), failure.getMessage());
            assertTrue(
                    failure.failure().message().contains(Redactor.MASK),
                    failure.failure().message());
        }
        assertFalse(openAi().load("llm").toString().contains(KEY), "settings never print the key");
    }

    @Test
    void oversizedContextIsCutToTheLimitWithAVisibleMarker() throws Exception {
        LlmTasks.Config config =
                openAi().set("llm", "context-limit-tokens", 1000).set("llm", "max-tokens", 200);
        ObjectNode content = input("Use the research");
        content.putObject("context").put("small", "short note").put("big", "x".repeat(20_000));

        run(config, "llm", content);

        String prompt = provider.last().promptText();
        assertTrue(prompt.contains("short note"), "small pieces stay whole");
        assertTrue(prompt.matches("(?s).*…\\[truncated \\d+ chars to fit the context limit].*"), "a visible marker");
        String sent = provider.last().promptText();
        assertTrue(
                config.load("llm").tokenCounter().count(sent) <= 1000 - 200,
                "the prompt fits the context limit minus the answer, counted by the model's tokenizer");
    }

    @Test
    void summarizerCondensesOversizedContextBeforeCutting() throws Exception {
        provider.otherwise(request -> request.promptText().contains("Condense the following")
                ? Reply.answer("SUMMARY: x appears 20000 times", 300, 10)
                : Reply.answer("final", 100, 5));
        LlmTasks.Config config = openAi().set("writer", "context-limit-tokens", 1000)
                .set("writer", "max-tokens", 200)
                .set("writer", "summarizer", "condense");
        ObjectNode content = input("Use the research");
        content.putObject("context").put("big", "x".repeat(20_000));

        HandlerResult result = run(config, "writer", content);

        List<FakeProvider.Received> requests = provider.received();
        assertEquals(2, requests.size(), "one summary, then the answer");
        String prompt = requests.get(1).promptText();
        assertTrue(prompt.contains("SUMMARY: x appears 20000 times"), prompt);
        assertTrue(prompt.contains("…[condensed from 20000 chars by the summarizer]"), prompt);
        assertEquals(400L, result.usage().tokensIn(), "the summarizer's tokens are counted");
    }

    @Test
    void reviewerConventionFieldsOfAJsonAnswerAreCopiedToTheTopOfTheResult() throws Exception {
        provider.then(Reply.answer("{\"approved\": false, \"feedback\": \"Add tests\"}"));

        HandlerResult result = run(openAi().set("critic", "output", "json"), "critic", input("Review this"));

        assertFalse(result.output().path("approved").asBoolean(true));
        assertEquals("Add tests", result.output().path("feedback").asText());
    }

    @Test
    void circuitOpensAfterConsecutiveFailuresAndFailsFastUntilATrialSucceeds() throws Exception {
        MutableClock time = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        provider.then(Reply.status(503, "down"), Reply.status(503, "down"), Reply.status(503, "down"));
        LlmTasks.Config config =
                openAi().set("llm", "circuit-failure-threshold", 3).set("llm", "circuit-open-duration", "30s");
        LlmHandler handler = config.handler("llm", connection, time);

        for (int i = 0; i < 3; i++) {
            HandlerFailure failure = assertThrows(
                    HandlerFailure.class, () -> handler.handle(taskWithInput("llm", "x"), contextFor("llm", time)));
            assertEquals("PROVIDER_ERROR", failure.failure().type());
        }
        time.advance(Duration.ofSeconds(10));
        HandlerFailure open = assertThrows(
                HandlerFailure.class, () -> handler.handle(taskWithInput("llm", "x"), contextFor("llm", time)));

        assertEquals("CIRCUIT_OPEN", open.failure().type());
        assertTrue(open.failure().retryable());
        assertEquals(Duration.ofSeconds(20), open.failure().retryAfter(), "retry when the circuit half-opens");
        assertEquals(3, provider.received().size(), "an open circuit does not call the provider");

        time.advance(Duration.ofSeconds(20));
        assertEquals(
                "ok",
                handler.handle(taskWithInput("llm", "x"), contextFor("llm", time))
                        .output()
                        .path("text")
                        .asText());
        assertEquals(
                "ok",
                handler.handle(taskWithInput("llm", "x"), contextFor("llm", time))
                        .output()
                        .path("text")
                        .asText());
        assertEquals(5, provider.received().size(), "a successful trial closes the circuit");
    }

    @Test
    void rateLimitedCallsTakeFromTheSharedBucketKeyedByAHashOfUrlAndKey() throws Exception {
        LlmTasks.Config config =
                openAi().set("llm", "requests-per-minute", 600).set("llm", "tokens-per-minute", 100_000);

        run(config, "llm", input("hi"));

        try (Jedis jedis = redis.jedis()) {
            Set<String> keys = jedis.keys("fleet:ratelimit:*");
            assertEquals(1, keys.size(), keys.toString());
            String key = keys.iterator().next();
            assertEquals("fleet:ratelimit:{" + config.load("llm").endpointId() + "}", key);
            assertFalse(key.contains(KEY) || key.contains("0123456789"), key);
            assertTrue(jedis.pttl(key) > 0, "the bucket expires when idle");
        }
    }
}
