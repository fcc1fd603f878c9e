package io.agentfleet.worker.consume;

import io.agentfleet.messages.Priority;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.lease.LeaseRenewer;
import io.agentfleet.worker.outcome.OutcomeRecorder;

/**
 * One priority level of a served partition: its task stream's entries in flight here (drawing on the type's shared
 * slots), the recorder that acknowledges them on that same stream, the processor that runs them, their lease
 * renewal and the reclaiming of that stream's pending entries.
 */
record Lane(
        AgentPartition partition,
        InFlight inFlight,
        OutcomeRecorder recorder,
        TaskProcessor processor,
        LeaseRenewer leases,
        Reclaimer reclaimer) {

    Priority priority() {
        return partition.priority();
    }

    String stream() {
        return partition.tasks();
    }
}
