package io.agentfleet.messages;

import java.util.Optional;

/**
 * The kinds of event on a workflow run's events stream ({@code prefix:{run:R}:events}). Each stream entry has two
 * fields: {@value #TYPE_FIELD}, one of these names, and {@value #DATA_FIELD}, a JSON object with at least {@code at},
 * whose fields each type's {@link RunEventData} record gives. {@link #RUN_FINISHED} is always the last event of a run.
 */
public enum RunEventType {
    /** The run was accepted; {@code data.tasks} is how many tasks it was submitted with. */
    RUN_STARTED,
    /** A task was put on its agent type's stream. */
    TASK_DISPATCHED,
    /** A worker reported progress (an UPDATE) for a task. */
    TASK_PROGRESS,
    /** A task produced its output. */
    TASK_COMPLETED,
    /** A task failed; {@code data.error} holds the failure. */
    TASK_FAILED,
    /** A task will not run, because a dependency failed or the run ended. */
    TASK_SKIPPED,
    /** A reviewer accepted or rejected a task's output. */
    TASK_REVIEWED,
    /** A rejected task was enqueued again with the reviewer's feedback. */
    TASK_REVISED,
    /** A planner's result added tasks to the run. */
    TASKS_SPAWNED,
    /** A task needs an answer from a human (a clarification, or exhausted retries on an escalating task). */
    TASK_NEEDS_HUMAN,
    /** The run was parked in {@link RunStatus#NEEDS_HUMAN}. */
    RUN_PARKED,
    /** A human answered a parked task. */
    RUN_RESUMED,
    /** A parked run runs again. */
    RUN_RUNNING,
    /** The run ended; {@code data.status} is its terminal {@link RunStatus}, {@code data.error} why, if it failed. */
    RUN_FINISHED,
    /** A result wrote a section of the run's blackboard (or the spec gave it an initial value). */
    BLACKBOARD_UPDATED,
    /** A result's blackboard write was refused: a section it writes changed after the task was dispatched. */
    BLACKBOARD_CONFLICT,
    /** One agent's or one task's blackboard writes to a section were rolled back through the API. */
    BLACKBOARD_ROLLED_BACK,
    /** A sub-workflow task started its child run; {@code data.childRun} is the child's run id. */
    CHILD_RUN_STARTED;

    /** The events stream entry field holding the event type. */
    public static final String TYPE_FIELD = "type";

    /** The events stream entry field holding the event's JSON data. */
    public static final String DATA_FIELD = "data";

    /** Whether this event ends the run's events stream. */
    public boolean endsRun() {
        return switch (this) {
            case RUN_FINISHED -> true;
            case RUN_STARTED,
                    TASK_DISPATCHED,
                    TASK_PROGRESS,
                    TASK_COMPLETED,
                    TASK_FAILED,
                    TASK_SKIPPED,
                    TASK_REVIEWED,
                    TASK_REVISED,
                    TASKS_SPAWNED,
                    TASK_NEEDS_HUMAN,
                    RUN_PARKED,
                    CHILD_RUN_STARTED,
                    RUN_RESUMED,
                    RUN_RUNNING,
                    BLACKBOARD_UPDATED,
                    BLACKBOARD_CONFLICT,
                    BLACKBOARD_ROLLED_BACK -> false;
        };
    }

    /** The event type named {@code name}, or empty when it is null or not a type this version knows. */
    public static Optional<RunEventType> parse(String name) {
        return Optional.ofNullable(Enums.parse(RunEventType.class, name, null));
    }
}
