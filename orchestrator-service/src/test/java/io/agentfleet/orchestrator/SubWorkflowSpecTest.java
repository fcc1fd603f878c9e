package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.SubWorkflows;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation of sub-workflow tasks at submission, without Redis. */
class SubWorkflowSpecTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    final SpecParser parser = SpecParserTest.parser(SpecParserTest.config(Map.of()));

    /** A run whose one task nests {@code levels} sub-workflows, the innermost running agent {@code a}. */
    static String nested(int levels) {
        String tasks = "[{\"id\":\"leaf\",\"agent\":\"a\"}]";
        for (int i = 0; i < levels; i++) {
            tasks = "[{\"id\":\"s" + i + "\",\"workflow\":{\"tasks\":" + tasks + "}}]";
        }
        return "{\"tasks\":" + tasks + "}";
    }

    InvalidMessageException refused(String body) {
        return assertThrows(InvalidMessageException.class, () -> parser.workflow(Api.parse(body), NOW));
    }

    @Test
    void aSubWorkflowTaskKeepsItsWorkflowAndShowsAsTheWorkflowAgent() {
        RunSpec spec = parser.workflow(Api.parse("""
                        {"tasks":[{"id":"prep","agent":"a"},
                          {"id":"sub","dependsOn":["prep"],"maxTokens":200,"timeout":"5m",
                           "workflow":{"budget":{"maxTokens":150},"tasks":[{"id":"x","agent":"coder"}]}}]}"""), NOW);
        TaskSpec sub = spec.tasks().get(1);
        assertEquals(SubWorkflows.AGENT, sub.agent());
        assertNotNull(sub.workflow());
        assertEquals(150, sub.workflow().path("budget").path("maxTokens").asInt());
        assertEquals(200L, sub.maxTokens());
        assertNull(spec.tasks().get(0).workflow());
    }

    @Test
    void subWorkflowsNestUpToTheDepthLimitAndDeeperIsRefusedNamingThePath() {
        assertEquals(1, parser.workflow(Api.parse(nested(3)), NOW).tasks().size());

        InvalidMessageException e = refused(nested(4));
        assertEquals("tasks[0].workflow.tasks[0].workflow.tasks[0].workflow.tasks[0].workflow", e.field());
        assertTrue(e.reason().contains("nested 4 sub-workflows deep, more than the limit of 3"), e.reason());
    }

    @Test
    void theDepthLimitIsConfigurable() {
        SpecParser shallow =
                SpecParserTest.parser(SpecParserTest.config(Map.of("fleet.orchestrator.max-workflow-depth", "1")));
        assertEquals(1, shallow.maxWorkflowDepth());
        InvalidMessageException e =
                assertThrows(InvalidMessageException.class, () -> shallow.workflow(Api.parse(nested(2)), NOW));
        assertEquals("tasks[0].workflow.tasks[0].workflow", e.field());
    }

    @Test
    void anErrorInsideASubWorkflowNamesItsFullPath() {
        assertEquals("tasks[1].workflow.tasks[0].agent", refused("""
                        {"tasks":[{"id":"a","agent":"a"},
                          {"id":"sub","workflow":{"tasks":[{"id":"x","agent":"nobody-knows"}]}}]}""").field());
        assertEquals("tasks[0].workflow.tasks[0].dependsOn", refused("""
                        {"tasks":[{"id":"sub","workflow":{"tasks":[
                          {"id":"x","agent":"a","dependsOn":["y"]},{"id":"y","agent":"a","dependsOn":["x"]}]}}]}""").field());
        assertEquals(
                "tasks[0].workflow.tasks",
                refused("{\"tasks\":[{\"id\":\"sub\",\"workflow\":{\"tasks\":[]}}]}")
                        .field());
    }

    @Test
    void aSubWorkflowTaskNamesNoAgentAndItsWorkflowOnlyTheFieldsAChildRunTakes() {
        assertEquals(
                "tasks[0].agent",
                refused(
                                "{\"tasks\":[{\"id\":\"s\",\"agent\":\"a\",\"workflow\":{\"tasks\":[{\"id\":\"x\",\"agent\":\"a\"}]}}]}")
                        .field());
        assertEquals("tasks[0].review", refused("""
                        {"tasks":[{"id":"s","review":{"agent":"a"},
                          "workflow":{"tasks":[{"id":"x","agent":"a"}]}}]}""").field());
        assertEquals("tasks[0].workflow.priority", refused("""
                        {"tasks":[{"id":"s","workflow":{"priority":"high","tasks":[{"id":"x","agent":"a"}]}}]}""").field());
        assertEquals(
                "tasks[0].workflow",
                refused("{\"tasks\":[{\"id\":\"s\",\"workflow\":[1]}]}").field());
    }

    @Test
    void aSingleTaskSubmissionCannotBeASubWorkflow() {
        InvalidMessageException e = assertThrows(
                InvalidMessageException.class,
                () -> parser.singleTask(Api.parse("{\"workflow\":{\"tasks\":[{\"id\":\"x\",\"agent\":\"a\"}]}}"), NOW));
        assertEquals("workflow", e.field());
    }
}
