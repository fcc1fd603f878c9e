package io.agentfleet.orchestrator.admin;

import java.util.List;

/** One partition of an agent type: its task stream, figures and consumers. */
public record PartitionStatus(int partition, String stream, StreamCounts counts, List<ConsumerStatus> consumers) {
    public PartitionStatus {
        consumers = List.copyOf(consumers);
    }
}
