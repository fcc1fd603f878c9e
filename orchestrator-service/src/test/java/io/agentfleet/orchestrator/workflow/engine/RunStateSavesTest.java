package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task records saved during a transition are written once, in the state of their last save. */
class RunStateSavesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TaskSpec task(String id, String... dependsOn) {
        return new TaskSpec(id, "echo", TextNode.valueOf(id), List.of(dependsOn), null, false, false, null, 0);
    }

    @Test
    void aNewRunStoresEveryTaskAndTheirOrder() {
        RunSpec spec = new RunSpec(List.of(task("a"), task("b", "a"), task("c", "b")), 7, null, null, null, null);
        RunState run = RunState.create("r1", spec, "key-1", "acme", "workflow", RunStateFieldsTest.NOW);

        Map<String, String> stored = run.committedFields(1);
        assertEquals("[\"a\",\"b\",\"c\"]", stored.get("order"));
        RunState loaded = RunState.load("r1", stored, MAPPER);
        assertEquals(
                List.of("a", "b", "c"), loaded.tasks().stream().map(t -> t.id).toList());
        assertEquals(List.of("b"), loaded.task("c").dependsOn);
    }

    @Test
    void aTaskSavedTwiceInOneTransitionIsCommittedInItsLastState() {
        RunState created = RunStateFieldsTest.run(null, null, null);
        RunState run = RunState.load("r1", created.committedFields(1), MAPPER, created.parsedTasks());
        assertFalse(run.changed());

        TaskRecord a = run.task("a");
        a.state = TaskState.DISPATCHED;
        run.save(a);
        assertTrue(run.changed());
        a.revision = 2;
        run.save(a);

        String text = run.dirtyFields().get(RunFields.TASK_PREFIX + "a");
        assertEquals(text, run.parsedTasks().get("a").json());
        for (Map<String, ParsedTask> known : Arrays.asList(null, run.parsedTasks())) {
            RunState next = RunState.load("r1", run.committedFields(2), MAPPER, known);
            assertEquals(TaskState.DISPATCHED, next.task("a").state);
            assertEquals(2, next.task("a").revision);
        }
    }
}
