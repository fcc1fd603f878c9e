package io.agentfleet.worker.metrics;

import java.util.Locale;

/** The {@code outcome} label of {@code fleet_tasks_total}: how one delivery of a task ended. */
public enum TaskOutcome {
    /** A RESULT was recorded. */
    RESULT,
    /** A CLARIFICATION_NEEDED outcome was recorded. */
    CLARIFICATION_NEEDED,
    /** The run was cancelled; an ERROR outcome with reason CANCELLED was recorded. */
    CANCELLED,
    /** Dead-lettered (an ERROR outcome plus a dead-letter entry). */
    DEAD_LETTER,
    /** Failed retryably and was scheduled for a later attempt. */
    RETRY,
    /** Another delivery of the task had recorded its outcome first; this one was dropped. */
    DUPLICATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
