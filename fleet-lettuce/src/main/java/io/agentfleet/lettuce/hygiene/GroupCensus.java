package io.agentfleet.lettuce.hygiene;

import java.util.Objects;

/**
 * What one pass of the reaper found in a consumer group.
 *
 * @param group the group
 * @param consumers consumers left in the group after the pass
 * @param live consumers seen (a read, a claim or a heartbeat) less than the threshold ago: the running ones
 * @param reaped consumers removed in this pass (nothing pending, unseen for at least the threshold)
 * @param waitingForReclaim consumers unseen past the threshold that still hold pending entries: they stay until the
 *     reclaim path (XAUTOCLAIM after claim-after) has taken their entries over
 */
public record GroupCensus(ConsumerGroup group, int consumers, int live, int reaped, int waitingForReclaim) {
    public GroupCensus {
        Objects.requireNonNull(group, "group");
        if (consumers < 0 || live < 0 || reaped < 0 || waitingForReclaim < 0 || live > consumers) {
            throw new IllegalArgumentException("inconsistent census of " + group + ": consumers " + consumers
                    + ", live " + live + ", reaped " + reaped + ", waiting " + waitingForReclaim);
        }
    }
}
