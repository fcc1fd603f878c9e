package io.agentfleet.orchestrator.workflow.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which dependencies a task waits for once a planner has spawned tasks, and when they count as settled. */
class DagReadinessTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    static TaskSpec task(String id, boolean optional, String... dependsOn) {
        return new TaskSpec(id, "echo", TextNode.valueOf(id), List.of(dependsOn), null, optional, false, null, 0);
    }

    static RunState run(TaskSpec... tasks) {
        return RunState.create(
                "r1", new RunSpec(List.of(tasks), 50, null, null, null, null), "k", "t", "workflow", NOW);
    }

    @Test
    void dependingOnAPlannerMeansDependingOnEverythingItSpawnedRecursively() {
        RunState run = run(task("plan", false), task("summary", false, "plan"));
        run.addTask(new TaskRecord(task("a", false), "plan", 0));
        run.addTask(new TaskRecord(task("b", false, "a"), "plan", 0));
        run.addTask(new TaskRecord(task("b1", false), "b", 0));

        assertEquals(List.of("plan", "a", "b", "b1"), Dag.effectiveDeps(run, "summary"));
        assertEquals(List.of("a"), Dag.effectiveDeps(run, "b"), "b itself spawned b1, it does not wait for it");
    }

    @Test
    void aSpawnedTaskDependingOnItsPlannerDoesNotWaitForItsSiblings() {
        RunState run = run(task("plan", false));
        run.addTask(new TaskRecord(task("a", false, "plan"), "plan", 0));
        run.addTask(new TaskRecord(task("b", false), "plan", 0));

        assertEquals(List.of("plan"), Dag.effectiveDeps(run, "a"));
        assertEquals(Dag.effectiveDeps(run, "a"), Dag.effectiveDeps(run).get("a"));
    }

    @Test
    void dependenciesSettleWhenCompletedSkippedOrFailed() {
        RunState run = run(task("done", false), task("maybe", true), task("must", false), task("next", false));
        run.task("done").moveTo(TaskState.DISPATCHED);
        run.task("done").moveTo(TaskState.COMPLETED);
        run.task("maybe").moveTo(TaskState.DISPATCHED);
        run.task("maybe").moveTo(TaskState.FAILED);

        assertTrue(Dag.settled(run, List.of("done", "maybe")));
        assertTrue(Dag.settled(run, List.of()));
        assertFalse(Dag.settled(run, List.of("done", "must")));

        run.task("must").moveTo(TaskState.DISPATCHED);
        run.task("must").moveTo(TaskState.FAILED);
        assertTrue(Dag.settled(run, List.of("must")), "the dependent's edge decides what the failure means for it");
    }
}
