package io.agentfleet.client;

import java.time.Duration;

/**
 * One worker consumer of an agent type's group, as XINFO CONSUMERS reports it.
 *
 * @param name the consumer (worker) name
 * @param pending entries delivered to it and not yet acknowledged
 * @param idle time since its last interaction with the stream (XINFO CONSUMERS idle)
 * @param sinceSeen time since it was last seen: the shorter of {@code idle} and the time since its process's last
 *     heartbeat (the consumer reaper records one every interval; Redis before 7.2 does not count a read that delivers
 *     nothing as an interaction, so an idle but running worker's {@code idle} keeps growing)
 */
public record ConsumerStats(String name, long pending, Duration idle, Duration sinceSeen) {

    /** Live: seen less than {@code threshold} ago (the consumer reaper removes the others once nothing is pending). */
    public boolean isLive(Duration threshold) {
        return sinceSeen.compareTo(threshold) < 0;
    }
}
