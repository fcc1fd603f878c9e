package io.agentfleet.client;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of one agent type's queues, read with several commands (not one atomic read), so the numbers may be a
 * few milliseconds apart.
 *
 * @param agent the agent type
 * @param length entries in the task stream: tasks not yet completed (completed entries are deleted)
 * @param lag entries the {@code workers} group has not been delivered yet, from XINFO GROUPS; null when unknown
 *     (Redis before 7, no group yet, or Redis cannot compute it) — never 0 when unknown
 * @param pending entries delivered to a worker and not yet acknowledged (XPENDING)
 * @param oldestPendingAge idle time of the oldest pending entry, null when nothing is pending
 * @param consumers the group's consumers
 * @param delayed retries waiting for their backoff
 * @param dead entries on the dead-letter stream
 */
public record AgentStats(
        String agent,
        long length,
        Long lag,
        long pending,
        Duration oldestPendingAge,
        List<ConsumerStats> consumers,
        long delayed,
        long dead) {
    public AgentStats {
        consumers = List.copyOf(consumers);
    }
}
