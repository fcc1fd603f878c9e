package io.agentfleet.worker.config;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;

/**
 * One partition of an agent type and its keys, seen from one priority level: everything a task read from this
 * partition touches (its outcome, dead letter, retry and done key) is under the partition's hash tag, so each step
 * stays on one shard. {@link #tasks()} is the level's task stream; every other key is shared by the levels.
 *
 * @param keys the key layout
 * @param agentType the agent type
 * @param index 0-based partition number
 * @param priority the level whose task stream {@link #tasks()} names
 */
public record AgentPartition(StreamKeys keys, String agentType, int index, Priority priority) {

    /** The partition at NORMAL priority. */
    public AgentPartition(StreamKeys keys, String agentType, int index) {
        this(keys, agentType, index, Priority.NORMAL);
    }

    /** The same partition seen from {@code level}. */
    public AgentPartition at(Priority level) {
        return new AgentPartition(keys, agentType, index, level);
    }

    public String tasks() {
        return keys.tasks(agentType, index, priority);
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

    /**
     * {@code coder} for partition 0, {@code coder:2} for partition 2, with {@code /high} or {@code /low} for those
     * levels: for thread names and logs.
     */
    public String label() {
        String tag = StreamKeys.tag(agentType, index);
        return priority == Priority.NORMAL ? tag : tag + "/" + priority.wire();
    }
}
