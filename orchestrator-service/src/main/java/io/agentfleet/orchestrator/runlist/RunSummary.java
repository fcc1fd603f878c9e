package io.agentfleet.orchestrator.runlist;

import java.util.Objects;

/**
 * One run as the list shows it: what a row needs, read from the run's state hash without parsing its tasks.
 *
 * @param finishedAt epoch ms, 0 while the run has not ended
 * @param scheduleId the schedule that started the run, or null
 */
public record RunSummary(
        String runId,
        String kind,
        String status,
        String apiKey,
        String tenant,
        long createdAt,
        long finishedAt,
        int steps,
        int maxSteps,
        String scheduleId) {
    public RunSummary {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
    }
}
