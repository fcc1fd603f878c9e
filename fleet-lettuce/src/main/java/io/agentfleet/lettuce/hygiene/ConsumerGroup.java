package io.agentfleet.lettuce.hygiene;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import java.util.Objects;

/**
 * One consumer group the reaper looks after: the {@code workers} group of a task stream or the {@code orchestrators}
 * group of a result stream, of one partition of an agent type.
 *
 * @param agent the agent type
 * @param partition the partition (0 for an unpartitioned type)
 * @param stream the stream key
 * @param seen the hash of the group's consumer heartbeats (same hash tag as the stream)
 * @param group the group name
 */
public record ConsumerGroup(String agent, int partition, String stream, String seen, String group) {
    public ConsumerGroup {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(seen, "seen");
        Objects.requireNonNull(group, "group");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, but was " + partition);
        }
    }

    /** The {@code workers} group of one partition's NORMAL task stream. */
    public static ConsumerGroup workers(StreamKeys keys, String agent, int partition) {
        return workers(keys, agent, partition, Priority.NORMAL);
    }

    /** The {@code workers} group of one partition's task stream of {@code priority} (one heartbeat hash for all). */
    public static ConsumerGroup workers(StreamKeys keys, String agent, int partition, Priority priority) {
        return new ConsumerGroup(
                agent,
                partition,
                keys.tasks(agent, partition, priority),
                keys.seen(agent, partition, StreamKeys.WORKERS_GROUP),
                StreamKeys.WORKERS_GROUP);
    }

    /** The {@code orchestrators} group of one partition's result stream. */
    public static ConsumerGroup orchestrators(StreamKeys keys, String agent, int partition) {
        return new ConsumerGroup(
                agent,
                partition,
                keys.results(agent, partition),
                keys.seen(agent, partition, StreamKeys.ORCHESTRATORS_GROUP),
                StreamKeys.ORCHESTRATORS_GROUP);
    }
}
