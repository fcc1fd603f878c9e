package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The {@code data} of a run event, one record per {@link RunEventType}, and its one codec: the orchestrator writes
 * every event through {@link #toJson()} and a reader goes through {@link #of(RunEventType, ObjectNode)}. Every event
 * has {@code at} (an ISO-8601 instant); a task's event has the task's {@link TaskSnapshot} fields next to it.
 *
 * <p>Reading is lenient, so an event stored by an older orchestrator still reads: a missing text field reads as null,
 * a missing number as 0, a missing flag as false, and fields this version does not know are ignored.
 */
public sealed interface RunEventData {
    /** When the event happened, as an ISO-8601 instant. */
    String at();

    /** The event type this data belongs to. */
    default RunEventType type() {
        return switch (this) {
            case RunStarted e -> RunEventType.RUN_STARTED;
            case TaskDispatched e -> RunEventType.TASK_DISPATCHED;
            case TaskProgress e -> RunEventType.TASK_PROGRESS;
            case TaskCompleted e -> RunEventType.TASK_COMPLETED;
            case TaskFailed e -> RunEventType.TASK_FAILED;
            case TaskSkipped e -> RunEventType.TASK_SKIPPED;
            case TaskReviewed e -> RunEventType.TASK_REVIEWED;
            case TaskRevised e -> RunEventType.TASK_REVISED;
            case TasksSpawned e -> RunEventType.TASKS_SPAWNED;
            case TaskNeedsHuman e -> RunEventType.TASK_NEEDS_HUMAN;
            case RunParked e -> RunEventType.RUN_PARKED;
            case RunResumed e -> RunEventType.RUN_RESUMED;
            case RunRunning e -> RunEventType.RUN_RUNNING;
            case RunFinished e -> RunEventType.RUN_FINISHED;
            case BlackboardUpdated e -> RunEventType.BLACKBOARD_UPDATED;
            case BlackboardConflict e -> RunEventType.BLACKBOARD_CONFLICT;
            case BlackboardRolledBack e -> RunEventType.BLACKBOARD_ROLLED_BACK;
            case ChildRunStarted e -> RunEventType.CHILD_RUN_STARTED;
        };
    }

    /**
     * A task as an event reports it.
     *
     * @param state the task's state name after the event
     * @param wireTaskId the task id of its current dispatch on the wire, or null before its first dispatch
     * @param error the task's failure, or null; given for a FAILED task and one waiting for a human
     */
    record TaskSnapshot(String taskId, String agent, String state, int revision, String wireTaskId, JsonNode error) {
        public TaskSnapshot {
            Objects.requireNonNull(taskId, "taskId");
        }
    }

    /** @param tasks how many tasks the run was submitted with */
    record RunStarted(String at, int tasks, String kind) implements RunEventData {}

    record TaskDispatched(String at, TaskSnapshot task, String dispatchedTo, boolean review) implements RunEventData {}

    /** @param progress the content of the worker's UPDATE */
    record TaskProgress(String at, TaskSnapshot task, JsonNode progress) implements RunEventData {}

    record TaskCompleted(String at, TaskSnapshot task) implements RunEventData {}

    record TaskFailed(String at, TaskSnapshot task) implements RunEventData {}

    record TaskSkipped(String at, TaskSnapshot task) implements RunEventData {}

    record TaskReviewed(String at, TaskSnapshot task, boolean approved, String feedback) implements RunEventData {}

    record TaskRevised(String at, TaskSnapshot task, String feedback) implements RunEventData {}

    /** @param spawned the ids of the tasks the planner added */
    record TasksSpawned(String at, TaskSnapshot task, List<String> spawned) implements RunEventData {
        public TasksSpawned {
            spawned = List.copyOf(spawned);
        }
    }

    /** @param why CLARIFICATION_NEEDED or ESCALATED */
    record TaskNeedsHuman(String at, TaskSnapshot task, String why, JsonNode question) implements RunEventData {}

    record RunParked(String at, RunStatus status, String taskId) implements RunEventData {}

    /** @param action what the human chose: retry, skip or fail */
    record RunResumed(String at, TaskSnapshot task, String action) implements RunEventData {}

    record RunRunning(String at, RunStatus status) implements RunEventData {}

    /** @param error why the run ended other than COMPLETED, or null */
    record RunFinished(String at, RunStatus status, JsonNode error) implements RunEventData {}

    /**
     * One entry of a run's blackboard history.
     *
     * @param seq the entry's number in the run's history, from 1
     * @param section the section it concerns
     * @param agent the agent type whose result wrote (or tried to write) the section; for a rollback, the agent type
     *     rolled back, or null; null for a section's initial value
     * @param worker the worker that produced the result, when the result names one, else null
     * @param taskId the task whose result wrote the section; for a rollback, the task rolled back, or null
     * @param attempt how many times the task had been dispatched when its result arrived (a conflict retry counts)
     * @param oldVersion the section's version before; for a conflict, the version the task was dispatched with
     * @param newVersion the section's version after; for a conflict, the version it had when the result arrived
     * @param value the section's value after the entry (null for a conflict)
     * @param reverted for a rollback, the seqs of the entries it reverted; otherwise empty
     */
    record BlackboardEntry(
            long seq,
            String section,
            String agent,
            String worker,
            String taskId,
            int attempt,
            long oldVersion,
            long newVersion,
            JsonNode value,
            List<Long> reverted) {
        public BlackboardEntry {
            Objects.requireNonNull(section, "section");
            reverted = reverted == null ? List.of() : List.copyOf(reverted);
        }
    }

    /** A result (or the run's spec, for an initial value) wrote a blackboard section. */
    record BlackboardUpdated(String at, BlackboardEntry entry) implements BlackboardEvent {}

    /** A result's write was refused: the section changed after the task was dispatched. */
    record BlackboardConflict(String at, BlackboardEntry entry) implements BlackboardEvent {}

    /** A rollback through the API reverted one agent's or one task's writes to a section. */
    record BlackboardRolledBack(String at, BlackboardEntry entry) implements BlackboardEvent {}

    /** A blackboard event: each carries one history entry. */
    sealed interface BlackboardEvent extends RunEventData
            permits BlackboardUpdated, BlackboardConflict, BlackboardRolledBack {
        BlackboardEntry entry();
    }
    /** A sub-workflow task started (or, after a crash, found) its child run {@code childRun}. */
    record ChildRunStarted(String at, TaskSnapshot task, String childRun) implements RunEventData {}

    /** The event's data as stored on the events stream and sent to SSE followers. */
    default ObjectNode toJson() {
        return RunEventJson.write(this);
    }

    /** The data of an event of {@code type}, as stored in {@code json}. */
    static RunEventData of(RunEventType type, ObjectNode json) {
        return RunEventJson.read(type, json);
    }
}
