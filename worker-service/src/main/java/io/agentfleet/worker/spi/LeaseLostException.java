package io.agentfleet.worker.spi;

import io.agentfleet.messages.FleetException;

/**
 * This worker no longer holds the task: its lease ran out and another worker took the entry over, so the checkpoint
 * was not saved (it must not overwrite the new holder's). A handler should let it propagate: the attempt then ends
 * without an outcome, and the new holder finishes the task.
 */
public class LeaseLostException extends FleetException {
    public LeaseLostException(String taskId, String entryId, String workerId) {
        super("worker " + workerId + " no longer holds entry " + entryId + " of task " + taskId
                + ": another worker took it over, so its checkpoint was not saved");
    }
}
