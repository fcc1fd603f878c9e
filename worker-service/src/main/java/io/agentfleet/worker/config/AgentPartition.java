package io.agentfleet.worker.config;

import io.agentfleet.messages.StreamKeys;

/**
 * One partition of an agent type and its keys: everything a task read from this partition touches (its outcome,
 * dead letter, retry and done key) is under the partition's hash tag, so each step stays on one shard.
 *
 * @param keys the key layout
 * @param agentType the agent type
 * @param index 0-based partition number
 */
public record AgentPartition(StreamKeys keys, String agentType, int index) {

    public String tasks() {
        return keys.tasks(agentType, index);
    }

    public String results() {
        return keys.results(agentType, index);
    }

    public String dead() {
        return keys.dead(agentType, index);
    }

    public String delayed() {
        return keys.delayed(agentType, index);
    }

    public String config() {
        return keys.config(agentType, index);
    }

    public String checkpoint(String taskId) {
        return keys.checkpoint(agentType, index, taskId);
    }

    public String done(String taskId) {
        return keys.done(agentType, index, taskId);
    }

    /** {@code coder} for partition 0, {@code coder:2} for partition 2: for thread names and logs. */
    public String label() {
        return StreamKeys.tag(agentType, index);
    }
}
