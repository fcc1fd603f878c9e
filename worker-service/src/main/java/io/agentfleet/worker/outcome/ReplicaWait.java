package io.agentfleet.worker.outcome;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.RedisErrors;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.metrics.AgentMetrics;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a batch was written: WAIT for the configured replicas ({@code FLEET_REDIS_WAIT_REPLICAS}) on the node that
 * took it. Never fails the batch (it is written); too few acknowledgements are logged and counted.
 */
final class ReplicaWait {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaWait.class);

    private final AgentPartition partition;
    private final FleetRedis redis;
    private final AgentMetrics metrics;
    /** Touched only by the one running flush's callbacks. */
    private long unreplicatedBatches;

    ReplicaWait(AgentPartition partition, FleetRedis redis, AgentMetrics metrics) {
        this.partition = partition;
        this.redis = redis;
        this.metrics = metrics;
    }

    CompletableFuture<Void> after(int outcomes) {
        if (redis.waitReplicas() == 0 || outcomes == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.awaitReplicas(partition.tasks()).handle((acks, error) -> {
            if (error == null && acks != null && acks >= redis.waitReplicas()) {
                return null;
            }
            metrics.unreplicated(outcomes);
            unreplicatedBatches++;
            if (unreplicatedBatches == 1 || unreplicatedBatches % 100 == 0) {
                LOG.warn(
                        "agent {}: {} outcome(s) reached {} of {} replicas within {} ms ({} such batch(es) so far);"
                                + " they are written, but a failover now could lose them",
                        partition.label(),
                        outcomes,
                        error == null ? acks : "? (" + RedisErrors.messageOf(error) + ")",
                        redis.waitReplicas(),
                        redis.options().waitTimeout().toMillis(),
                        unreplicatedBatches);
            }
            return null;
        });
    }
}
