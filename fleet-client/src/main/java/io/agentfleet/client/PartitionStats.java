package io.agentfleet.client;

import java.time.Duration;
import java.util.List;

/**
 * One partition's queues of an agent type (partition 0 is the whole of an unpartitioned type); the fields mean what
 * they mean in {@link AgentStats}.
 *
 * @param partition the partition (0-based)
 */
public record PartitionStats(
        int partition,
        long length,
        Long lag,
        long pending,
        Duration oldestPendingAge,
        List<ConsumerStats> consumers,
        long delayed,
        long dead,
        long scheduled) {
    public PartitionStats {
        consumers = List.copyOf(consumers);
    }
}
