package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static io.agentfleet.worker.llm.LlmTasks.content;
import static io.agentfleet.worker.llm.LlmTasks.contextFor;
import static io.agentfleet.worker.llm.LlmTasks.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.llm.FakeProvider.Call;
import io.agentfleet.worker.llm.FakeProvider.Reply;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The requests both wire formats send, checked by the fake provider against the documented shapes, and their answers. */
class ProviderWireFormatTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"},"
            + "\"steps\":{\"type\":\"integer\"}},\"required\":[\"title\",\"steps\"],\"additionalProperties\":false}";
    private static final String SEARCH_PARAMETERS =
            "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},\"required\":[\"query\"]}";
    private static final String READ_URL_PARAMETERS =
            "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"}},\"required\":[\"url\"]}";

    private static FleetRedis connection;
    private final Clock clock = Clock.systemUTC();
    private FakeProvider provider;

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
                .set("llm", "model", "gpt-4o")
                .env("OPENAI_API_KEY", "sk-test");
    }

    private LlmTasks.Config anthropic() {
        return config().set("llm", "provider", "anthropic")
                .set("llm", "base-url", provider.anthropicBase())
                .set("llm", "model", "claude-sonnet-4-0")
                .env("ANTHROPIC_API_KEY", "sk-ant-test");
    }

    private HandlerResult run(LlmTasks.Config config, String agentType, ObjectNode content) throws Exception {
        return config.handler(agentType, connection, clock)
                .handle(task(agentType, content), contextFor(agentType, clock));
    }

    private static ObjectNode input(String text) {
        ObjectNode content = content();
        content.put("input", text);
        return content;
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    /** A task offering the tools search and read_url. */
    private static ObjectNode withTools(String text) throws Exception {
        ObjectNode content = input(text);
        ArrayNode tools = content.putArray("tools");
        tools.addObject()
                .put("name", "search")
                .put("description", "Search the web")
                .set("parameters", json(SEARCH_PARAMETERS));
        tools.addObject()
                .put("name", "read_url")
                .put("description", "Read a page")
                .set("parameters", json(READ_URL_PARAMETERS));
        return content;
    }

    /** Earlier turns: the model asked for search and read_url at once; both answered. */
    private static void withAnsweredCalls(ObjectNode content) {
        ArrayNode conversation = content.putArray("conversation");
        ObjectNode asked = conversation.addObject().put("role", "assistant").put("text", "");
        ArrayNode calls = asked.putArray("toolCalls");
        calls.addObject()
                .put("id", "call_1")
                .put("name", "search")
                .putObject("arguments")
                .put("query", "redis");
        calls.addObject()
                .put("id", "call_2")
                .put("name", "read_url")
                .putObject("arguments")
                .put("url", "https://redis.io");
        ArrayNode results = conversation.addObject().put("role", "tool").putArray("results");
        results.addObject().put("callId", "call_1").put("name", "search").put("content", "3 hits");
        results.addObject()
                .put("callId", "call_2")
                .put("name", "read_url")
                .put("content", "page gone")
                .put("isError", true);
    }

    @Test
    void openAiOutputSchemaIsAStrictJsonSchemaResponseFormat() throws Exception {
        provider.then(Reply.answer("{\"title\": \"Plan\", \"steps\": 3}"));
        LlmTasks.Config config = openAi().set("planner", "output", "json").set("planner", "output-schema", SCHEMA);

        HandlerResult result = run(config, "planner", input("Plan it"));

        JsonNode body = provider.last().json();
        assertEquals("json_schema", body.path("response_format").path("type").asText());
        JsonNode jsonSchema = body.path("response_format").path("json_schema");
        assertEquals("planner", jsonSchema.path("name").asText());
        assertTrue(jsonSchema.path("strict").asBoolean());
        assertEquals(json(SCHEMA), jsonSchema.path("schema"));
        assertEquals(1024, body.path("max_completion_tokens").asInt());
        assertFalse(provider.last().promptText().contains("JSON Schema"), "the schema is not repeated in the prompt");
        assertEquals(3, result.output().path("json").path("steps").asInt());
        assertEquals(List.of(), provider.violations());
    }

    @Test
    void anthropicOutputSchemaIsAForcedToolWhoseInputIsTheAnswer() throws Exception {
        provider.then(Reply.answer("{\"title\": \"Plan\", \"steps\": 2}"));
        LlmTasks.Config config = anthropic().set("planner", "output", "json").set("planner", "output-schema", SCHEMA);

        HandlerResult result = run(config, "planner", input("Plan it"));

        JsonNode body = provider.last().json();
        assertEquals(1, body.path("tools").size());
        assertEquals(
                WireFormat.OUTPUT_TOOL, body.path("tools").path(0).path("name").asText());
        assertEquals(json(SCHEMA), body.path("tools").path(0).path("input_schema"));
        assertEquals("tool", body.path("tool_choice").path("type").asText());
        assertEquals(
                WireFormat.OUTPUT_TOOL, body.path("tool_choice").path("name").asText());
        assertEquals(1024, body.path("max_tokens").asInt());
        assertEquals("Plan", result.output().path("json").path("title").asText(), "read from the tool_use input");
        assertFalse(result.output().has("toolCalls"), "the answer tool is not a tool call");
        assertEquals(List.of(), provider.violations());
    }

    @Test
    void nativeSchemaAnswerThatStillFailsValidationIsInvalidOutputWithoutRepairCalls() {
        provider.otherwise(request -> Reply.answer("{\"title\": \"Plan\"}"));
        LlmTasks.Config config = openAi().set("planner", "output", "json").set("planner", "output-schema", SCHEMA);
        LlmHandler handler = config.handler("planner", connection, clock);

        HandlerFailure failure = assertThrows(
                HandlerFailure.class,
                () -> handler.handle(task("planner", input("Plan it")), contextFor("planner", clock)));

        assertEquals("INVALID_OUTPUT", failure.failure().type());
        assertEquals(1, provider.received().size(), "no repair call");
    }

    @Test
    void openAiSendsToolsAndParsesParallelToolCallsIntoTheOutput() throws Exception {
        provider.then(Reply.toolCalls(
                new Call("call_1", "search", "{\"query\":\"redis streams\"}"),
                new Call("call_2", "read_url", "{\"url\":\"https://redis.io\"}")));

        HandlerResult result = run(openAi(), "llm", withTools("Research Redis Streams"));

        JsonNode tools = provider.last().json().path("tools");
        assertEquals("function", tools.path(0).path("type").asText());
        assertEquals("search", tools.path(0).path("function").path("name").asText());
        assertEquals(json(SEARCH_PARAMETERS), tools.path(0).path("function").path("parameters"));
        assertEquals("auto", provider.last().json().path("tool_choice").asText());
        assertParallelCalls(result.output(), "tool_calls");
        assertEquals(List.of(), provider.violations());
    }

    @Test
    void anthropicSendsToolsAndParsesParallelToolUseBlocksIntoTheOutput() throws Exception {
        provider.then(Reply.toolCalls(
                new Call("call_1", "search", "{\"query\":\"redis streams\"}"),
                new Call("call_2", "read_url", "{\"url\":\"https://redis.io\"}")));

        HandlerResult result = run(anthropic(), "llm", withTools("Research Redis Streams"));

        JsonNode tools = provider.last().json().path("tools");
        assertEquals("search", tools.path(0).path("name").asText());
        assertEquals(json(SEARCH_PARAMETERS), tools.path(0).path("input_schema"));
        assertFalse(provider.last().json().has("tool_choice"), "auto, the default");
        assertParallelCalls(result.output(), "tool_use");
        assertEquals(List.of(), provider.violations());
    }

    private static void assertParallelCalls(JsonNode output, String stopReason) {
        JsonNode calls = output.path("toolCalls");
        assertEquals(2, calls.size(), output.toString());
        assertEquals("call_1", calls.path(0).path("id").asText());
        assertEquals("search", calls.path(0).path("name").asText());
        assertEquals(
                "redis streams", calls.path(0).path("arguments").path("query").asText());
        assertEquals("read_url", calls.path(1).path("name").asText());
        assertEquals(
                "https://redis.io", calls.path(1).path("arguments").path("url").asText());
        assertEquals(stopReason, output.path("stopReason").asText());
    }

    @Test
    void openAiGetsToolResultsBackAsToolMessagesAnsweringEachCall() throws Exception {
        provider.then(Reply.answer("Redis Streams are append-only logs."));
        ObjectNode content = withTools("Research Redis Streams");
        withAnsweredCalls(content);

        HandlerResult result = run(openAi(), "llm", content);

        JsonNode messages = provider.last().json().path("messages");
        JsonNode asked = messages.path(2);
        assertEquals("assistant", asked.path("role").asText());
        assertTrue(asked.path("content").isNull());
        assertEquals(
                "{\"query\":\"redis\"}",
                asked.path("tool_calls")
                        .path(0)
                        .path("function")
                        .path("arguments")
                        .asText());
        assertEquals("tool", messages.path(3).path("role").asText());
        assertEquals("call_1", messages.path(3).path("tool_call_id").asText());
        assertEquals("3 hits", messages.path(3).path("content").asText());
        assertEquals("call_2", messages.path(4).path("tool_call_id").asText());
        assertEquals("ERROR: page gone", messages.path(4).path("content").asText());
        assertEquals(
                "Redis Streams are append-only logs.",
                result.output().path("text").asText());
        assertEquals(List.of(), provider.violations());
    }

    @Test
    void anthropicGetsToolResultsBackAsToolResultBlocksOfOneUserTurn() throws Exception {
        provider.then(Reply.answer("Redis Streams are append-only logs."));
        ObjectNode content = withTools("Research Redis Streams");
        withAnsweredCalls(content);

        HandlerResult result = run(anthropic(), "llm", content);

        JsonNode messages = provider.last().json().path("messages");
        assertEquals(3, messages.size(), messages.toString());
        JsonNode uses = messages.path(1).path("content");
        assertEquals("tool_use", uses.path(0).path("type").asText());
        assertEquals("redis", uses.path(0).path("input").path("query").asText());
        JsonNode results = messages.path(2).path("content");
        assertEquals("user", messages.path(2).path("role").asText());
        assertEquals("tool_result", results.path(0).path("type").asText());
        assertEquals("call_1", results.path(0).path("tool_use_id").asText());
        assertTrue(results.path(1).path("is_error").asBoolean());
        assertEquals(
                "Redis Streams are append-only logs.",
                result.output().path("text").asText());
        assertEquals(List.of(), provider.violations());
    }

    @Test
    void anthropicWithToolsAndASchemaOffersTheAnswerToolAmongThemAndRequiresOne() throws Exception {
        provider.then(Reply.toolCalls(new Call("toolu_1", WireFormat.OUTPUT_TOOL, "{\"title\":\"T\",\"steps\":1}")));
        LlmTasks.Config config = anthropic().set("planner", "output", "json").set("planner", "output-schema", SCHEMA);

        HandlerResult result = run(config, "planner", withTools("Plan it"));

        JsonNode body = provider.last().json();
        assertEquals(3, body.path("tools").size());
        assertEquals("any", body.path("tool_choice").path("type").asText());
        assertEquals(1, result.output().path("json").path("steps").asInt());
        assertEquals(List.of(), provider.violations());
    }

    @Test
    void compatibleServerThatWantsMaxTokensGetsItWhenConfigured() throws Exception {
        provider.legacyMaxTokens();

        Failure byDefault = assertThrows(HandlerFailure.class, () -> run(openAi(), "llm", input("hi")))
                .failure();
        HandlerResult configured = run(openAi().set("llm", "max-tokens-parameter", "max_tokens"), "llm", input("hi"));

        assertEquals("PROVIDER_REJECTED", byDefault.type(), "the fake rejects what such a server rejects");
        assertEquals("ok", configured.output().path("text").asText());
        assertEquals(1024, provider.last().json().path("max_tokens").asInt());
        assertFalse(provider.last().json().has("max_completion_tokens"));
    }

    @Test
    void malformedToolsOrConversationFailPermanentlyNamingTheFieldWithoutACall() throws Exception {
        ObjectNode badName = input("x");
        badName.putArray("tools")
                .addObject()
                .put("name", "has space")
                .putObject("parameters")
                .put("type", "object");
        ObjectNode reserved = input("x");
        reserved.putArray("tools")
                .addObject()
                .put("name", WireFormat.OUTPUT_TOOL)
                .putObject("parameters")
                .put("type", "object");
        ObjectNode badTurn = input("x");
        badTurn.putArray("conversation").addObject().put("role", "tool").putArray("results");

        Failure tool = assertThrows(HandlerFailure.class, () -> run(openAi(), "llm", badName))
                .failure();
        Failure name = assertThrows(HandlerFailure.class, () -> run(openAi(), "llm", reserved))
                .failure();
        Failure turn = assertThrows(HandlerFailure.class, () -> run(openAi(), "llm", badTurn))
                .failure();

        for (Failure failure : List.of(tool, name, turn)) {
            assertEquals("INVALID_INPUT", failure.type());
            assertFalse(failure.retryable());
        }
        assertTrue(tool.message().contains("content.tools[0]"), tool.message());
        assertTrue(name.message().contains("content.tools[0].name")
                && name.message().contains("reserved"));
        assertTrue(turn.message().contains("content.conversation[0].results"), turn.message());
        assertEquals(0, provider.received().size());
    }

    @Test
    void aRefusalOnEitherProviderIsAPermanentModelRefusedWithTheReason() {
        provider.then(
                Reply.status(
                        200,
                        "{\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
                                + "\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"}}],"
                                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6}}"),
                Reply.status(
                        200,
                        "{\"id\":\"m\",\"model\":\"claude-sonnet-4-0\",\"content\":[],\"stop_reason\":\"refusal\","
                                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":0}}"));

        HandlerFailure openAi = assertThrows(HandlerFailure.class, () -> run(openAi(), "llm", input("x")));
        HandlerFailure anthropic = assertThrows(HandlerFailure.class, () -> run(anthropic(), "llm", input("x")));

        assertEquals("MODEL_REFUSED", openAi.failure().type());
        assertFalse(openAi.failure().retryable());
        assertTrue(
                openAi.failure().message().contains("I can't help with that."),
                openAi.failure().message());
        assertEquals(6L, openAi.usage().tokensOut(), "the refused call's tokens are reported");
        assertEquals("MODEL_REFUSED", anthropic.failure().type());
    }

    @Test
    void aTurnsToolCallsOutputFeedsTheNextTurnsConversationAsItIsOnBothProviders() throws Exception {
        for (LlmTasks.Config config : List.of(openAi(), anthropic())) {
            provider.then(
                    Reply.toolCalls(
                            new Call("call_a", "search", "{\"query\":\"streams\"}"),
                            new Call("call_b", "search", "{\"query\":\"groups\"}")),
                    Reply.answer("done"));
            ObjectNode first = withTools("Research");
            JsonNode asked = run(config, "llm", first).output();

            ObjectNode next = first.deepCopy();
            ArrayNode conversation = next.putArray("conversation");
            conversation.addObject().put("role", "assistant").put("text", "").set("toolCalls", asked.path("toolCalls"));
            ArrayNode results = conversation.addObject().put("role", "tool").putArray("results");
            for (JsonNode call : asked.path("toolCalls")) {
                results.addObject()
                        .put("callId", call.path("id").asText())
                        .put("name", call.path("name").asText())
                        .put(
                                "content",
                                "hits for "
                                        + call.path("arguments").path("query").asText());
            }
            HandlerResult answered = run(config, "llm", next);

            assertEquals("done", answered.output().path("text").asText());
            assertTrue(
                    provider.last().promptText().contains("hits for groups"),
                    provider.last().body());
        }
        assertEquals(List.of(), provider.violations(), "every turn had the provider's documented shape");
    }
}
