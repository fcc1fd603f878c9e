package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.RunStatus;

/**
 * The one table of allowed state changes for runs and tasks. Every change the engine makes goes through
 * {@link #require}, so an edge missing here is a bug that fails loudly instead of corrupting a run.
 */
public final class Transitions {
    private Transitions() {}

    /** Whether a task may go from {@code from} to {@code to}. */
    public static boolean allowed(TaskState from, TaskState to) {
        return switch (from) {
            // Straight to COMPLETED: a sample owner that aggregates by itself (a vote) is never dispatched.
            case PENDING ->
                to == TaskState.DISPATCHED
                        || to == TaskState.COMPLETED
                        || to == TaskState.SKIPPED
                        || to == TaskState.FAILED
                        || to == TaskState.CANCELLED;
            // Back to PENDING: the task's attempts failed and it waits to be dispatched to its fallback agent type.
            case DISPATCHED ->
                to == TaskState.PENDING
                        || to == TaskState.COMPLETED
                        || to == TaskState.FAILED
                        || to == TaskState.REVIEWING
                        || to == TaskState.WAITING_HUMAN
                        || to == TaskState.CANCELLED;
            case REVIEWING ->
                to == TaskState.PENDING
                        || to == TaskState.COMPLETED
                        || to == TaskState.DISPATCHED
                        || to == TaskState.FAILED
                        || to == TaskState.WAITING_HUMAN
                        || to == TaskState.CANCELLED;
            // A redriven dead letter may still complete a parked task; a human may retry, skip or fail it.
            case WAITING_HUMAN ->
                to == TaskState.DISPATCHED
                        || to == TaskState.COMPLETED
                        || to == TaskState.SKIPPED
                        || to == TaskState.FAILED
                        || to == TaskState.CANCELLED;
            case COMPLETED, FAILED, SKIPPED, CANCELLED -> false;
        };
    }

    /** Whether a run may go from {@code from} to {@code to}. */
    public static boolean allowed(RunStatus from, RunStatus to) {
        return switch (from) {
            case RUNNING -> to != RunStatus.RUNNING;
            case NEEDS_HUMAN ->
                to == RunStatus.RUNNING
                        || to == RunStatus.CANCELLED
                        || to == RunStatus.FAILED
                        || to == RunStatus.DEADLINE_EXCEEDED
                        || to == RunStatus.BUDGET_EXCEEDED;
            case COMPLETED, FAILED, CANCELLED, BUDGET_EXCEEDED, MAX_STEPS_EXCEEDED, LOOP_DETECTED, DEADLINE_EXCEEDED ->
                false;
        };
    }

    public static void require(String taskId, TaskState from, TaskState to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("task " + taskId + " cannot go from " + from + " to " + to);
        }
    }

    public static void require(String runId, RunStatus from, RunStatus to) {
        if (!allowed(from, to)) {
            throw new IllegalStateException("run " + runId + " cannot go from " + from + " to " + to);
        }
    }
}
