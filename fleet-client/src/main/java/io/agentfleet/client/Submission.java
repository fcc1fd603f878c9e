package io.agentfleet.client;

import java.util.Objects;

/**
 * The answer to {@link FleetClient#submitOnce}: the task's handle, and whether this call enqueued it or found it
 * submitted before under the same task id (within the 7 days its "enqueued once" marker is kept).
 *
 * @param handle the task's handle; for a task submitted before, that of the first submission (await it as usual)
 * @param status what this call found
 */
public record Submission(TaskHandle handle, Status status) {
    public Submission {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(status, "status");
    }

    public enum Status {
        /** This call enqueued the task. */
        ENQUEUED,
        /** Submitted before and still waiting on its stream for a worker. */
        QUEUED,
        /** Submitted before and delivered to a worker that has not recorded an outcome yet. */
        RUNNING,
        /** Submitted before and its outcome is recorded (outcomes are kept for a day). */
        COMPLETED,
        /**
         * Submitted before and no longer on its stream with no outcome kept: waiting for a retry, dead-lettered, or
         * completed longer ago than outcomes are kept.
         */
        SUBMITTED_BEFORE;

        /** Whether this call found the task submitted before (and enqueued nothing). */
        public boolean duplicate() {
            return this != ENQUEUED;
        }
    }
}
