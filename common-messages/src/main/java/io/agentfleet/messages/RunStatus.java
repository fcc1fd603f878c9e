package io.agentfleet.messages;

import java.util.Optional;

/**
 * Where a workflow run stands, as the orchestrator reports it ({@code status} of {@code GET /v1/runs/{id}} and of a
 * {@code RUN_FINISHED} event). Every status but {@link #RUNNING} and {@link #NEEDS_HUMAN} is terminal: a run in one
 * never changes again.
 */
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

    /** The status named {@code name}, or empty when it is null or not a status this version knows. */
    public static Optional<RunStatus> parse(String name) {
        return Optional.ofNullable(Enums.parse(RunStatus.class, name, null));
    }

    /** Whether {@code name} names a terminal status; false for null or a status this version does not know. */
    public static boolean isTerminal(String name) {
        return parse(name).map(RunStatus::isTerminal).orElse(false);
    }
}
