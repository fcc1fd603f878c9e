package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.workflow.agentloop.PublishedTools;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The agent loop's transitions as the engine computes them, without Redis: what each outcome dispatches. */
class AgentLoopEngineTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final MessageCodec CODEC = new MessageCodec();
    static final String TOOL = "{\"description\":\"Searches\",\"parameters\":{\"type\":\"object\"}}";

    final SpecParser parser = parser();
    final RunEngine engine = new RunEngine(CODEC, parser, (key, tokens, cost, now) -> null);

    static SpecParser parser() {
        PropertyResolver resolver = new io.micronaut.context.env.PropertySourcePropertyResolver(
                PropertySource.of("test", Map.of("fleet.api-keys-plain", "t:k")));
        OrchestratorConfig config = ConfigFactory.read(resolver);
        return new SpecParser(
                config,
                MessageLimits.DEFAULT,
                new KnownAgents(ConfigFactory.readKnownAgents(resolver, config), () -> Set.of("llm", "search")),
                new PublishedTools(Map.of("search", TOOL)::get));
    }

    RunState start(String task) {
        return engine.start(parser.workflow(Api.parse("{\"tasks\":[" + task + "]}"), NOW), "k", "t", "workflow", NOW);
    }

    static AgentMessage sent(RunState run, int index) {
        return CODEC.decode(run.outbox().get(index).message());
    }

    static void answer(RunEngine engine, RunState run, AgentMessage request, String output) {
        engine.onOutcome(
                run, request.resultOf("worker", Api.parse(output), new Metadata(10L, 5L, 0.01, "m", 1L, null)), NOW);
    }

    @Test
    void turnsAndToolCallsAreDispatchedAsTasksCarryingToolsConversationAndTheTasksTimeout() {
        RunState run =
                start("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"timeout\":\"30s\",\"input\":\"q\"}");
        assertEquals(1, run.outbox().size());
        AgentMessage turn1 = sent(run, 0);
        assertEquals(run.runId() + ".r@t1.r0", turn1.taskId());
        assertEquals("llm", turn1.recipient());
        assertEquals("search", turn1.content().at("/tools/0/name").asText());
        assertEquals("Searches", turn1.content().at("/tools/0/description").asText());
        assertEquals(0, turn1.content().get("conversation").size());
        assertEquals(
                NOW.plus(Duration.ofSeconds(30)).toEpochMilli(),
                run.deadlines().get(0).dueAt());
        answer(engine, run, turn1, """
                {"text":"","toolCalls":[{"id":"c1","name":"search","arguments":{"q":"a"}},
                                        {"id":"c2","name":"search","arguments":{"q":"b"}}]}""");
        assertEquals(3, run.outbox().size(), "both tool calls go out in the transition that records the turn");
        AgentMessage call0 = sent(run, 1);
        AgentMessage call1 = sent(run, 2);
        assertEquals(run.runId() + ".r@t1@c0.r0", call0.taskId());
        assertEquals("search", call0.recipient());
        assertEquals("a", call0.content().at("/input/q").asText());
        assertEquals(run.runId() + ".r@t1@c1.r0", call1.taskId());
        assertEquals(3, run.deadlines().size(), "each tool call has the task's timeout");
        answer(engine, run, call1, "{\"hits\":2}");
        assertEquals(3, run.outbox().size(), "the next turn waits for every call of this one");
        answer(engine, run, call0, "{\"hits\":1}");
        AgentMessage turn2 = sent(run, 3);
        assertEquals(run.runId() + ".r@t2.r0", turn2.taskId());
        JsonNode conversation = turn2.content().get("conversation");
        assertEquals("assistant", conversation.at("/0/role").asText());
        assertEquals("c2", conversation.at("/0/toolCalls/1/id").asText());
        assertEquals("c1", conversation.at("/1/results/0/callId").asText());
        assertEquals("{\"hits\":1}", conversation.at("/1/results/0/content").asText());
        assertEquals("{\"hits\":2}", conversation.at("/1/results/1/content").asText());
        answer(engine, run, turn2, "{\"text\":\"done\"}");
        assertEquals(RunStatus.COMPLETED, run.status());
        TaskRecord agent = run.task("r");
        assertEquals("done", agent.output.path("text").asText());
        assertEquals(2, agent.output.path("turns").asInt());
        assertEquals(60, agent.tokensIn + agent.tokensOut, "the agent task sums its 4 steps' usage");
    }

    @Test
    void anOutcomeAppliedTwiceTakesNoStepTwice() {
        RunState run = start("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"input\":\"q\"}");
        AgentMessage turn1 = sent(run, 0);
        String output = "{\"text\":\"\",\"toolCalls\":[{\"id\":\"c1\",\"name\":\"search\",\"arguments\":{}}]}";
        answer(engine, run, turn1, output);
        answer(engine, run, turn1, output);
        assertEquals(2, run.outbox().size(), run.outbox().toString());
        List<String> ids = run.tasks().stream().map(t -> t.id).toList();
        assertEquals(List.of("r", "r@t1", "r@t1@c0"), ids);
    }

    @Test
    void aToolCallWhoseArgumentsAreNotAJsonObjectFailsTheTask() {
        RunState run = start("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"input\":\"q\"}");
        answer(engine, run, sent(run, 0), """
                {"text":"","toolCalls":[{"id":"c1","name":"search","arguments":"q=a"}]}""");
        assertEquals(RunStatus.FAILED, run.status());
        ObjectNode error = (ObjectNode) run.task("r").error;
        assertEquals("INVALID_TOOL_CALL", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("not a JSON object"), error.toString());
    }
}
