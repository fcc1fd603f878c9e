package io.agentfleet.orchestrator.workflow.blackboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Submission checks of a run's blackboard: each refusal names the field and the reason. */
class BlackboardSpecsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static BlackboardSpec read(String sections, String tasks) throws Exception {
        return BlackboardSpecs.read(
                sections == null ? null : MAPPER.readTree(sections), (ArrayNode) MAPPER.readTree(tasks));
    }

    static InvalidMessageException refused(String sections, String tasks) {
        return assertThrows(InvalidMessageException.class, () -> read(sections, tasks));
    }

    @Test
    void readsInitialSectionsAndEachTasksAccessWithDefaults() throws Exception {
        BlackboardSpec spec = read(
                "{\"plan\":{\"step\":1}}",
                "[{\"id\":\"a\",\"blackboard\":{\"reads\":[\"plan\"],\"writes\":[\"notes\"]}},{\"id\":\"b\"}]");
        assertEquals(List.of("plan"), List.copyOf(spec.sections().keySet()));
        TaskAccess a = spec.tasks().get("a");
        assertEquals(List.of("plan"), a.reads());
        assertEquals(List.of("notes"), a.writes());
        assertTrue(a.retryOnConflict());
        assertEquals(BlackboardLimits.DEFAULT_CONFLICT_RETRIES, a.maxConflictRetries());
        assertEquals(a, TaskAccess.fromJson(a.toJson()));
        assertEquals(1, spec.tasks().size());
    }

    @Test
    void badDeclarationsAreRefusedNamingTheField() {
        assertEquals("blackboard", refused("[1]", "[]").field());
        assertEquals("blackboard", refused("{\"bad name\":1}", "[]").field());
        assertEquals(
                "tasks[0].blackboard.writes[0]",
                refused(null, "[{\"id\":\"a\",\"blackboard\":{\"writes\":[\"a.b\"]}}]")
                        .field());
        assertEquals(
                "tasks[0].blackboard.writes[1]",
                refused(null, "[{\"id\":\"a\",\"blackboard\":{\"writes\":[\"x\",\"x\"]}}]")
                        .field());
        assertEquals(
                "tasks[0].blackboard.onConflict",
                refused(null, "[{\"id\":\"a\",\"blackboard\":{\"onConflict\":\"merge\"}}]")
                        .field());
        assertEquals(
                "tasks[0].blackboard.maxConflictRetries",
                refused(null, "[{\"id\":\"a\",\"blackboard\":{\"maxConflictRetries\":11}}]")
                        .field());
        assertEquals(
                "tasks[0].blackboard.mode",
                refused(null, "[{\"id\":\"a\",\"blackboard\":{\"mode\":1}}]").field());
        InvalidMessageException unwritten = refused(null, "[{\"id\":\"a\",\"blackboard\":{\"reads\":[\"ghost\"]}}]");
        assertEquals("tasks[0].blackboard.reads[0]", unwritten.field());
        assertTrue(unwritten.reason().contains("no initial value and no task writes it"), unwritten.reason());
    }

    @Test
    void sizesAndSectionCountsAreBounded() {
        ObjectNode big = MAPPER.createObjectNode();
        big.put("s", "x".repeat(BlackboardLimits.MAX_SECTION_BYTES));
        InvalidMessageException section = refused(big.toString(), "[]");
        assertEquals("blackboard.s", section.field());
        assertTrue(section.reason().contains("per section"), section.reason());

        ObjectNode many = MAPPER.createObjectNode();
        for (int i = 0; i < 5; i++) {
            many.put("s" + i, "x".repeat(BlackboardLimits.MAX_SECTION_BYTES - 100));
        }
        InvalidMessageException run = refused(many.toString(), "[]");
        assertEquals("blackboard", run.field());
        assertTrue(run.reason().contains("per run"), run.reason());

        ObjectNode sections = MAPPER.createObjectNode();
        for (int i = 0; i <= BlackboardLimits.MAX_SECTIONS; i++) {
            sections.put("s" + i, i);
        }
        assertEquals("blackboard", refused(sections.toString(), "[]").field());
    }
}
