package io.agentfleet.client;

import io.agentfleet.messages.Names;
import java.time.Instant;

/**
 * Proof that a task was accepted: it is on its agent type's task stream (or, when scheduled, in its delayed set until
 * due) and will end in exactly one terminal state
 * (completed, dead-lettered, cancelled or expired). Pass it to {@link FleetClient#await(TaskHandle, java.time.Duration)}.
 *
 * @param agent the agent type the task was enqueued for
 * @param taskId the task's idempotency key; its outcome is recorded under this id
 * @param entryId the task stream entry id Redis assigned, or null for a scheduled task (not on the stream yet)
 * @param partition the partition of the agent type whose stream holds the task (0 for an unpartitioned type); its
 *     outcome is recorded in the same partition
 * @param dueAt when a scheduled task becomes due (Redis's clock), or null for a task enqueued at once
 */
public record TaskHandle(String agent, String taskId, String entryId, int partition, Instant dueAt) {
    public TaskHandle {
        Names.requireAgentType("agent", agent);
        Names.requireId("taskId", taskId);
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, but was " + partition);
        }
    }

    /** A handle of a task enqueued at once on {@code partition}. */
    public TaskHandle(String agent, String taskId, String entryId, int partition) {
        this(agent, taskId, entryId, partition, null);
    }

    /** A handle of a task on partition 0 (an unpartitioned agent type). */
    public TaskHandle(String agent, String taskId, String entryId) {
        this(agent, taskId, entryId, 0);
    }
}
