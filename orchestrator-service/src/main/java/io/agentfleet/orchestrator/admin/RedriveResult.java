package io.agentfleet.orchestrator.admin;

import java.util.List;

/** What a redrive did: the dead letters sent back, those skipped and why, and where a bounded scan stopped. */
public record RedriveResult(List<Redriven> redriven, List<Skipped> skipped, String next) {
    public RedriveResult {
        redriven = List.copyOf(redriven);
        skipped = List.copyOf(skipped);
    }

    /** A dead letter put back on its partition's task stream as {@code newEntryId}. */
    public record Redriven(String entryId, String taskId, int partition, String newEntryId) {}

    /** A dead letter not redriven. */
    public record Skipped(String entryId, String reason) {}
}
