package io.agentfleet.client;

import io.agentfleet.messages.Names;

/**
 * Proof that a task was accepted: it is on its agent type's task stream and will end in exactly one terminal state
 * (completed, dead-lettered, cancelled or expired). Pass it to {@link FleetClient#await(TaskHandle, java.time.Duration)}.
 *
 * @param agent the agent type the task was enqueued for
 * @param taskId the task's idempotency key; its outcome is recorded under this id
 * @param entryId the task stream entry id Redis assigned
 */
public record TaskHandle(String agent, String taskId, String entryId) {
    public TaskHandle {
        Names.requireAgentType("agent", agent);
        Names.requireId("taskId", taskId);
    }
}
