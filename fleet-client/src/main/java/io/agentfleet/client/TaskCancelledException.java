package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Failure;

/** The task's workflow run was cancelled before the task ran; a worker recorded it as CANCELLED. */
public class TaskCancelledException extends TaskFailedException {
    public TaskCancelledException(String agent, String taskId, Failure failure, AgentMessage outcome) {
        super(
                "task " + taskId + " of agent type '" + agent + "' was cancelled",
                agent,
                taskId,
                "CANCELLED",
                failure,
                outcome);
    }
}
