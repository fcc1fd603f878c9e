package io.agentfleet.orchestrator.workflow.engine;

/** Where one task of a run stands. */
public enum TaskState {
    /** Waiting for its dependencies (or for the run to be resumed, or for its dispatch to its fallback agent type). */
    PENDING,
    /** Enqueued for its agent type; its outcome has not arrived. */
    DISPATCHED,
    /** Its output is with the reviewer agent. */
    REVIEWING,
    /** Parked: the agent asked a question, or an escalated task failed; a human answers through resume. */
    WAITING_HUMAN,
    /** Done, with an output. */
    COMPLETED,
    /** Failed for good (after the worker's retries). */
    FAILED,
    /** Never ran: the run ended first, a human chose to skip it, a failed upstream's edge or a false condition did. */
    SKIPPED,
    /** Was in flight when the run was cancelled or stopped. */
    CANCELLED;

    public boolean isTerminal() {
        return switch (this) {
            case COMPLETED, FAILED, SKIPPED, CANCELLED -> true;
            case PENDING, DISPATCHED, REVIEWING, WAITING_HUMAN -> false;
        };
    }

    public boolean isInFlight() {
        return switch (this) {
            case DISPATCHED, REVIEWING -> true;
            case PENDING, WAITING_HUMAN, COMPLETED, FAILED, SKIPPED, CANCELLED -> false;
        };
    }
}
