package io.agentfleet.orchestrator.agentloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopIds;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopSpec;
import io.agentfleet.orchestrator.workflow.agentloop.PublishedTools;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.value.PropertyResolver;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code tools} and {@code maxTurns} fields of an agent task, and the ids of its loop's tasks, without Redis. */
class AgentLoopSpecTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Map<String, String> PUBLISHED = Map.of(
            "search",
            "{\"description\":\"Searches\",\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}",
            "broken",
            "{\"parameters\":{\"type\":\"string\"}}");

    final SpecParser parser = parser();

    static SpecParser parser() {
        PropertyResolver resolver = new io.micronaut.context.env.PropertySourcePropertyResolver(
                PropertySource.of("test", Map.of("fleet.api-keys-plain", "t:k")));
        OrchestratorConfig config = ConfigFactory.read(resolver);
        return new SpecParser(
                config,
                MessageLimits.DEFAULT,
                new KnownAgents(
                        ConfigFactory.readKnownAgents(resolver, config),
                        () -> Set.of("llm", "search", "plain", "broken")),
                new PublishedTools(PUBLISHED::get));
    }

    TaskSpec task(String json) {
        return parser.workflow(Api.parse("{\"tasks\":[" + json + "]}"), NOW)
                .tasks()
                .get(0);
    }

    InvalidMessageException refused(String json) {
        return assertThrows(InvalidMessageException.class, () -> task(json));
    }

    @Test
    void anAgentTaskCarriesItsToolsWithTheirPublishedSchemas() {
        AgentLoopSpec loop =
                task("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"maxTurns\":4,\"input\":\"x\"}")
                        .agentLoop();
        assertEquals(4, loop.maxTurns());
        assertEquals("search", loop.tools().get(0).name());
        assertEquals("Searches", loop.tools().get(0).description());
        assertEquals("object", loop.tools().get(0).parameters().path("type").asText());
        assertEquals(loop, AgentLoopSpec.fromJson(loop.toJson()), "stored with the run and read back unchanged");
        assertEquals(
                AgentLoopSpec.DEFAULT_MAX_TURNS,
                task("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"]}")
                        .agentLoop()
                        .maxTurns());
        assertNull(task("{\"id\":\"r\",\"agent\":\"llm\"}").agentLoop());
        assertNull(task("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[]}").agentLoop(), "as generated clients send it");
    }

    @Test
    void badToolFieldsAreRefusedNamingTheField() {
        assertEquals(
                "tasks[0].tools[0]",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"plain\"]}")
                        .field());
        assertTrue(refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"plain\"]}")
                .reason()
                .contains("no published input schema"));
        assertEquals(
                "tasks[0].tools[0]",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"broken\"]}")
                        .field(),
                "a published schema that is not an object schema offers no tool");
        assertEquals(
                "tasks[0].tools[0]",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"nobody\"]}")
                        .field());
        assertEquals(
                "tasks[0].tools[1]",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\",\"search\"]}")
                        .field());
        assertEquals(
                "tasks[0].tools",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":\"search\"}").field());
        assertEquals(
                "tasks[0].maxTurns",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"maxTurns\":0}")
                        .field());
        assertEquals(
                "tasks[0].maxTurns",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"maxTurns\":51}")
                        .field());
        assertEquals(
                "tasks[0].maxTurns",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"maxTurns\":3}").field());
        assertEquals(
                "tasks[0].fallback",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"fallback\":\"plain\"}")
                        .field());
        assertEquals(
                "tasks[0].escalate",
                refused("{\"id\":\"r\",\"agent\":\"llm\",\"tools\":[\"search\"],\"escalate\":true}")
                        .field());
    }

    @Test
    void loopTaskIdsAreDeterministicAndCannotCollideWithSubmittedIds() {
        assertEquals("research@t3", AgentLoopIds.turn("research", 3));
        assertEquals("research@t3@c1", AgentLoopIds.call("research", 3, 1));
        assertEquals(new AgentLoopIds("research", 3, -1), AgentLoopIds.parse("research@t3"));
        assertEquals(new AgentLoopIds("research", 3, 1), AgentLoopIds.parse("research@t3@c1"));
        assertNull(AgentLoopIds.parse("research"));
        assertNull(AgentLoopIds.parse("research@tx"));
        assertTrue(!SpecParser.TASK_ID.matcher("research@t3").matches(), "a submitted id cannot contain @");
    }
}
