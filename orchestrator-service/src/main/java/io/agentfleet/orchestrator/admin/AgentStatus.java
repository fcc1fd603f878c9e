package io.agentfleet.orchestrator.admin;

import java.util.List;

/**
 * One agent type: totals over all its partitions, consumers merged by name, and for a partitioned type each
 * partition's own status ({@code partitions} empty when {@code partitionCount} is 1).
 */
public record AgentStatus(
        String agent,
        String stream,
        int partitionCount,
        StreamCounts counts,
        List<ConsumerStatus> consumers,
        List<PartitionStatus> partitions) {
    public AgentStatus {
        consumers = List.copyOf(consumers);
        partitions = List.copyOf(partitions);
    }
}
