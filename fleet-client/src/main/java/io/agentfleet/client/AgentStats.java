package io.agentfleet.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of one agent type's queues, summed over its partitions, read with several commands (not one atomic
 * read), so the numbers may be a few milliseconds apart.
 *
 * @param agent the agent type
 * @param length entries in the task streams: tasks not yet completed (completed entries are deleted)
 * @param lag entries the {@code workers} groups have not been delivered yet, from XINFO GROUPS; null when unknown for
 *     any partition (Redis before 7, no group yet, or Redis cannot compute it) — never 0 when unknown
 * @param pending entries delivered to a worker and not yet acknowledged (XPENDING)
 * @param oldestPendingAge idle time of the oldest pending entry of any partition, null when nothing is pending
 * @param consumers the groups' consumers; a worker serving several partitions is one consumer here, with its pending
 *     entries summed and its shortest idle time
 * @param delayed retries waiting for their backoff (the delayed sets less their scheduled tasks)
 * @param dead entries on the dead-letter streams
 * @param partitions each partition's figures when the type has more than one partition, else empty
 * @param scheduled tasks accepted with a delay or a start time that are not due yet
 */
public record AgentStats(
        String agent,
        long length,
        Long lag,
        long pending,
        Duration oldestPendingAge,
        List<ConsumerStats> consumers,
        long delayed,
        long dead,
        List<PartitionStats> partitions,
        long scheduled) {
    public AgentStats {
        consumers = List.copyOf(consumers);
        partitions = List.copyOf(partitions);
    }

    /** Statistics of an unpartitioned agent type. */
    public AgentStats(
            String agent,
            long length,
            Long lag,
            long pending,
            Duration oldestPendingAge,
            List<ConsumerStats> consumers,
            long delayed,
            long dead) {
        this(agent, length, lag, pending, oldestPendingAge, consumers, delayed, dead, List.of(), 0);
    }

    /** The totals of {@code each} partition (listed in the result when there is more than one). */
    static AgentStats of(String agent, List<PartitionStats> each) {
        long length = 0;
        Long lag = 0L;
        long pending = 0;
        Duration oldest = null;
        long delayed = 0;
        long dead = 0;
        long scheduled = 0;
        Map<String, ConsumerStats> consumers = new LinkedHashMap<>();
        for (PartitionStats p : each) {
            length += p.length();
            lag = lag == null || p.lag() == null ? null : lag + p.lag();
            pending += p.pending();
            if (p.oldestPendingAge() != null
                    && (oldest == null || p.oldestPendingAge().compareTo(oldest) > 0)) {
                oldest = p.oldestPendingAge();
            }
            delayed += p.delayed();
            dead += p.dead();
            scheduled += p.scheduled();
            for (ConsumerStats c : p.consumers()) {
                consumers.merge(
                        c.name(),
                        c,
                        (a, b) -> new ConsumerStats(
                                a.name(),
                                a.pending() + b.pending(),
                                a.idle().compareTo(b.idle()) <= 0 ? a.idle() : b.idle(),
                                a.sinceSeen().compareTo(b.sinceSeen()) <= 0 ? a.sinceSeen() : b.sinceSeen()));
            }
        }
        return new AgentStats(
                agent,
                length,
                each.isEmpty() ? null : lag,
                pending,
                oldest,
                new ArrayList<>(consumers.values()),
                delayed,
                dead,
                each.size() > 1 ? each : List.of(),
                scheduled);
    }
}
