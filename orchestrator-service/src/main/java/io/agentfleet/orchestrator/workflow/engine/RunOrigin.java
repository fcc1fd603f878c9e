package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.Ids;
import java.time.Instant;
import java.util.Objects;

/**
 * A run whose id was chosen before it is started, so that a caller retrying the start meets the run already created:
 * a schedule's tick (the id derived from the tick, with its schedule and the tick it was started for) or an idempotent
 * submission (the id claimed with its {@code Idempotency-Key}; no schedule).
 */
public record RunOrigin(String runId, String scheduleId, Instant scheduledFor) {
    public RunOrigin {
        Objects.requireNonNull(runId, "runId");
        if ((scheduleId == null) != (scheduledFor == null)) {
            throw new IllegalArgumentException("scheduleId and scheduledFor go together");
        }
    }

    /** The run of an idempotent submission, under the id claimed with its key. */
    public static RunOrigin claimed(String runId) {
        return new RunOrigin(runId, null, null);
    }

    /** A run started by hand ("trigger now"): a fresh run id, no tick to deduplicate. */
    public static RunOrigin manual(String scheduleId, Instant now) {
        return new RunOrigin(Ids.newId(now.toEpochMilli()), scheduleId, now);
    }
}
