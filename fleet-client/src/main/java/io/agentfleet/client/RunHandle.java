package io.agentfleet.client;

import java.util.Objects;

/**
 * A workflow run the orchestrator accepted: pass it to {@link FleetClient#awaitRun}.
 *
 * @param runId the run's id (a ULID)
 * @param status the status when accepted, {@code RUNNING}
 * @param tasks how many tasks the run started with
 */
public record RunHandle(String runId, String status, int tasks) {
    public RunHandle {
        Objects.requireNonNull(runId, "runId");
    }
}
