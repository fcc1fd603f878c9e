package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.engine.TaskState;
import io.agentfleet.orchestrator.workflow.engine.Transitions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every edge of the transition table, allowed and forbidden, spelled out independently of the implementation. */
class TransitionsTest {
    static final Map<TaskState, Set<TaskState>> TASK_EDGES = Map.of(
            TaskState.PENDING,
                    EnumSet.of(
                            TaskState.DISPATCHED,
                            TaskState.COMPLETED,
                            TaskState.SKIPPED,
                            TaskState.FAILED,
                            TaskState.CANCELLED),
            TaskState.DISPATCHED,
                    EnumSet.of(
                            TaskState.PENDING,
                            TaskState.COMPLETED,
                            TaskState.FAILED,
                            TaskState.REVIEWING,
                            TaskState.WAITING_HUMAN,
                            TaskState.CANCELLED),
            TaskState.REVIEWING,
                    EnumSet.of(
                            TaskState.PENDING,
                            TaskState.COMPLETED,
                            TaskState.DISPATCHED,
                            TaskState.FAILED,
                            TaskState.WAITING_HUMAN,
                            TaskState.CANCELLED),
            TaskState.WAITING_HUMAN,
                    EnumSet.of(
                            TaskState.DISPATCHED,
                            TaskState.COMPLETED,
                            TaskState.SKIPPED,
                            TaskState.FAILED,
                            TaskState.CANCELLED),
            TaskState.COMPLETED, EnumSet.noneOf(TaskState.class),
            TaskState.FAILED, EnumSet.noneOf(TaskState.class),
            TaskState.SKIPPED, EnumSet.noneOf(TaskState.class),
            TaskState.CANCELLED, EnumSet.noneOf(TaskState.class));

    static final Map<RunStatus, Set<RunStatus>> RUN_EDGES = Map.of(
            RunStatus.RUNNING, EnumSet.complementOf(EnumSet.of(RunStatus.RUNNING)),
            RunStatus.NEEDS_HUMAN,
                    EnumSet.of(
                            RunStatus.RUNNING,
                            RunStatus.CANCELLED,
                            RunStatus.FAILED,
                            RunStatus.DEADLINE_EXCEEDED,
                            RunStatus.BUDGET_EXCEEDED),
            RunStatus.COMPLETED, EnumSet.noneOf(RunStatus.class),
            RunStatus.FAILED, EnumSet.noneOf(RunStatus.class),
            RunStatus.CANCELLED, EnumSet.noneOf(RunStatus.class),
            RunStatus.BUDGET_EXCEEDED, EnumSet.noneOf(RunStatus.class),
            RunStatus.MAX_STEPS_EXCEEDED, EnumSet.noneOf(RunStatus.class),
            RunStatus.LOOP_DETECTED, EnumSet.noneOf(RunStatus.class),
            RunStatus.DEADLINE_EXCEEDED, EnumSet.noneOf(RunStatus.class));

    @TestFactory
    List<DynamicTest> everyTaskEdge() {
        List<DynamicTest> tests = new ArrayList<>();
        for (TaskState from : TaskState.values()) {
            for (TaskState to : TaskState.values()) {
                boolean expected = TASK_EDGES.get(from).contains(to);
                tests.add(DynamicTest.dynamicTest(
                        "task " + from + " -> " + to + (expected ? " allowed" : " forbidden"),
                        () -> assertEquals(expected, Transitions.allowed(from, to))));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyRunEdge() {
        List<DynamicTest> tests = new ArrayList<>();
        for (RunStatus from : RunStatus.values()) {
            for (RunStatus to : RunStatus.values()) {
                boolean expected = RUN_EDGES.get(from).contains(to);
                tests.add(DynamicTest.dynamicTest(
                        "run " + from + " -> " + to + (expected ? " allowed" : " forbidden"),
                        () -> assertEquals(expected, Transitions.allowed(from, to))));
            }
        }
        return tests;
    }

    @Test
    void terminalStatesHaveNoWayOut() {
        for (TaskState s : TaskState.values()) {
            assertEquals(s.isTerminal(), TASK_EDGES.get(s).isEmpty(), s.name());
        }
        for (RunStatus s : RunStatus.values()) {
            assertEquals(s.isTerminal(), RUN_EDGES.get(s).isEmpty(), s.name());
        }
    }

    @Test
    void aForbiddenEdgeFailsLoudlyNamingTheTask() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Transitions.require("code", TaskState.COMPLETED, TaskState.DISPATCHED));
        assertEquals("task code cannot go from COMPLETED to DISPATCHED", e.getMessage());
    }
}
