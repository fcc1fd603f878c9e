package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.Ids;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a run that a schedule starts comes from: the run id it must have (derived from the tick, so that a replica
 * retrying the start of the same tick meets the run already created), its schedule and the tick it was started for.
 */
public record RunOrigin(String runId, String scheduleId, Instant scheduledFor) {
    public RunOrigin {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(scheduleId, "scheduleId");
        Objects.requireNonNull(scheduledFor, "scheduledFor");
    }

    /** A run started by hand ("trigger now"): a fresh run id, no tick to deduplicate. */
    public static RunOrigin manual(String scheduleId, Instant now) {
        return new RunOrigin(Ids.newId(now.toEpochMilli()), scheduleId, now);
    }
}
