package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Failure;

/**
 * The task was moved to its agent type's dead-letter stream ({@code prefix:{A}:dead}); {@link #reason()} is the
 * {@link io.agentfleet.messages.DeadLetterReason} name and {@link #failure()} the last error. An operator can redrive
 * it with {@link FleetClient#redrive(String, java.util.Collection)}, after which awaiting the same handle waits for
 * the new run's outcome.
 */
public class TaskDeadLetteredException extends TaskFailedException {
    public TaskDeadLetteredException(
            String agent, String taskId, String reason, Failure failure, AgentMessage outcome) {
        super(
                "task " + taskId + " of agent type '" + agent + "' was dead-lettered (" + reason + ")"
                        + (failure == null ? "" : ": " + failure.type() + ": " + failure.message()),
                agent,
                taskId,
                reason,
                failure,
                outcome);
    }
}
