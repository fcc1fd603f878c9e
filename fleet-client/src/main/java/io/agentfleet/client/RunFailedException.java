package io.agentfleet.client;

import io.agentfleet.messages.FleetException;

/**
 * A workflow run ended in a terminal status other than {@code COMPLETED} ({@code FAILED}, {@code CANCELLED},
 * {@code BUDGET_EXCEEDED}, {@code MAX_STEPS_EXCEEDED}, {@code LOOP_DETECTED}, {@code DEADLINE_EXCEEDED}). The run's
 * final view, with the outputs of the tasks that did complete and the run's error, is {@link #result()}.
 */
public class RunFailedException extends FleetException {
    private final transient RunResult result;

    public RunFailedException(RunResult result) {
        super("run " + result.runId() + " ended " + result.status()
                + (result.error() == null ? "" : ": " + result.error()));
        this.result = result;
    }

    /** The run's final state. */
    public RunResult result() {
        return result;
    }

    /** The terminal status, such as {@code FAILED}. */
    public String status() {
        return result.status();
    }

    /** The run's error as the orchestrator recorded it (JSON text), or null. */
    public String error() {
        return result.error() == null ? null : result.error().toString();
    }
}
