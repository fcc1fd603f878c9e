package io.agentfleet.worker.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The agent-loop demo's deterministic model stand-in and its tools, without Redis. */
class DemoToolAgentsTest {
    private final DemoAgentProvider agents = new DemoAgentProvider(DemoAgentSettings.INSTANT, d -> {});
    private final AgentHandler model = agents.handlerFor("llm", "demo-model").orElseThrow();
    private final AgentHandler search = agents.handlerFor("search", null).orElseThrow();
    private final AgentHandler readUrl = agents.handlerFor("read_url", null).orElseThrow();

    private static JsonNode run(AgentHandler agent, ObjectNode content) throws Exception {
        Clock clock = Clock.systemUTC();
        TaskContext context = new TaskContext(
                agent.agentType(), "test-worker", 1, 5, clock.instant().plusSeconds(60), clock, new ObjectMapper());
        return agent.handle(
                        AgentMessage.request(agent.agentType(), content)
                                .taskId("t-1")
                                .build(),
                        context)
                .output();
    }

    private ObjectNode turn(ArrayNode conversation) {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("input", "a rate limiter");
        ArrayNode tools = content.putArray("tools");
        tools.addObject().put("name", "search");
        tools.addObject().put("name", "read_url");
        content.set("conversation", conversation);
        return content;
    }

    /** Appends the model's calls and what the tools answer to them, as the orchestrator's conversation does. */
    private void answerCalls(ArrayNode conversation, JsonNode output) throws Exception {
        conversation.addObject().put("role", "assistant").set("toolCalls", output.get("toolCalls"));
        ArrayNode results = conversation.addObject().put("role", "tool").putArray("results");
        for (JsonNode call : output.get("toolCalls")) {
            AgentHandler tool = call.path("name").asText().equals("search") ? search : readUrl;
            JsonNode answer = run(tool, JsonNodeFactory.instance.objectNode().set("input", call.get("arguments")));
            results.addObject()
                    .put("callId", call.path("id").asText())
                    .put("name", call.path("name").asText())
                    .put("content", answer.toString());
        }
    }

    @Test
    void theModelAsksForBothToolsThenReadsTheFoundPageThenAnswers() throws Exception {
        ArrayNode conversation = JsonNodeFactory.instance.arrayNode();
        JsonNode first = run(model, turn(conversation));
        assertEquals(2, first.get("toolCalls").size(), first.toString());
        assertEquals("search", first.at("/toolCalls/0/name").asText());
        assertEquals("read_url", first.at("/toolCalls/1/name").asText());
        answerCalls(conversation, first);
        JsonNode second = run(model, turn(conversation));
        assertEquals(1, second.get("toolCalls").size(), second.toString());
        assertTrue(second.at("/toolCalls/0/arguments/url").asText().startsWith("https://example.org/guides/"));
        answerCalls(conversation, second);
        JsonNode last = run(model, turn(conversation));
        assertFalse(last.has("toolCalls"), last.toString());
        assertTrue(last.path("text").asText().startsWith("Answer to \"a rate limiter\" from 3 tool results"));
        assertEquals(last, run(model, turn(conversation)), "deterministic");
    }

    @Test
    void theModelAnswersAtOnceWhenNoToolIsOffered() throws Exception {
        JsonNode output = run(model, JsonNodeFactory.instance.objectNode().put("input", "hello"));
        assertNull(output.get("toolCalls"));
        assertTrue(output.path("text").asText().startsWith("Answer to"));
    }

    @Test
    void theToolsPublishObjectSchemasAndOtherDemoAgentsAreNoTools() {
        assertEquals("object", search.tool().inputSchema().path("type").asText());
        assertEquals("query", search.tool().inputSchema().at("/required/0").asText());
        assertEquals("url", readUrl.tool().inputSchema().at("/required/0").asText());
        assertNull(model.tool());
        assertNull(agents.handlerFor("researcher", null).orElseThrow().tool());
    }
}
