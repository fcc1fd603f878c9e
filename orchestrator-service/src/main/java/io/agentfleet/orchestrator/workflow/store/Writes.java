package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.lettuce.FleetRedis;
import io.lettuce.core.RedisFuture;
import java.util.List;

/** Ordering of writes that must land before the run's commit that follows them. */
final class Writes {
    private Writes() {}

    /**
     * On one node, commands of the shared connection run in the order sent, so a write that must precede a commit
     * need not be awaited. On a cluster the schedule and the run live on different nodes, with no order between them:
     * wait for the write, so a crash cannot leave a committed run whose schedule member never arrived.
     */
    static void landed(FleetRedis redis, List<? extends RedisFuture<?>> writes) {
        if (!redis.isCluster()) {
            return;
        }
        for (RedisFuture<?> write : writes) {
            FleetRedis.await(write, redis.options().commandTimeout());
        }
    }
}
