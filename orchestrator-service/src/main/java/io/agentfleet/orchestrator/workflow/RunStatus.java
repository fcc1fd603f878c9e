package io.agentfleet.orchestrator.workflow;

/** Where a run stands; every status but RUNNING and NEEDS_HUMAN is terminal. */
public enum RunStatus {
    RUNNING,
    NEEDS_HUMAN,
    COMPLETED,
    FAILED,
    CANCELLED,
    BUDGET_EXCEEDED,
    MAX_STEPS_EXCEEDED,
    LOOP_DETECTED,
    DEADLINE_EXCEEDED;

    public boolean isTerminal() {
        return switch (this) {
            case RUNNING, NEEDS_HUMAN -> false;
            case COMPLETED, FAILED, CANCELLED, BUDGET_EXCEEDED, MAX_STEPS_EXCEEDED, LOOP_DETECTED, DEADLINE_EXCEEDED ->
                true;
        };
    }
}
