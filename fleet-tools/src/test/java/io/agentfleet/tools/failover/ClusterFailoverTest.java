package io.agentfleet.tools.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of the Redis Cluster primary that holds a busy agent type's slot, mid-run, with the durability
 * setting on: the replica takes over, workers, orchestrator and producer carry on without a restart, every
 * acknowledged task ends with exactly one recorded outcome and every workflow run in flight completes. The killed node
 * is restarted after the failover, as a StatefulSet would, and rejoins as a replica.
 */
class ClusterFailoverTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.ownedCluster();

    static final Map<String, String> DURABLE =
            Map.of("FLEET_REDIS_WAIT_REPLICAS", "1", "FLEET_REDIS_WAIT_TIMEOUT", "1s");

    @Test
    void killedPrimaryOfABusyTypeLosesNoAcknowledgedTaskOrOutcome() throws Exception {
        RedisCluster cluster = redis.cluster();
        RedisCluster.Node victim = cluster.primaryForKey(StreamKeys.DEFAULT.tasks(FailoverDrill.AGENT));
        try (FailoverDrill drill = new FailoverDrill(redis.uri(), DURABLE, "cluster")) {
            FailoverDrill.Report report = drill.run(redis::client, 5_000, 20, () -> {
                cluster.kill(victim);
                RedisCluster.Node promoted = cluster.awaitFailover(victim, Duration.ofSeconds(60));
                assertNotEquals(victim.port(), promoted.port());
                // As Kubernetes would: the killed node comes back, as a replica of the promoted one, so WAIT 1 can be
                // satisfied again (until then every write waits FLEET_REDIS_WAIT_TIMEOUT and is retried or counted).
                cluster.restart(victim);
            });
            assertEquals(
                    List.of(),
                    report.lost(),
                    () -> "acknowledged tasks without an outcome: " + drill.describeLost(redis::client, report.lost()));
            assertEquals(List.of(), report.recordedTwice(), "tasks with two outcomes");
            assertEquals(List.of(), report.runsNotCompleted(), "runs in flight that did not complete");
        }
    }

    /**
     * The same kill without the durability setting: replication is asynchronous, so an acknowledged task may be lost
     * with its primary. Nothing is ever recorded twice; how many were lost is measured and written to {@code
     * fleet-tools/target/failover/cluster-async/lost.txt} (docs/operations.md quotes it).
     */
    @Test
    void withoutReplicaWaitsAKilledPrimaryMayLoseTasksButNeverRecordsOneTwice() throws Exception {
        RedisCluster cluster = redis.cluster();
        RedisCluster.Node victim = cluster.primaryForKey(StreamKeys.DEFAULT.tasks(FailoverDrill.AGENT));
        try (FailoverDrill drill = new FailoverDrill(redis.uri(), Map.of(), "cluster-async")) {
            FailoverDrill.Report report = drill.run(redis::client, 5_000, 0, () -> {
                cluster.kill(victim);
                cluster.awaitFailover(victim, Duration.ofSeconds(60));
                cluster.restart(victim);
            });
            assertEquals(List.of(), report.recordedTwice(), "tasks with two outcomes");
            String measured = report.lost().size() + " of "
                    + report.acknowledged().size() + " acknowledged tasks lost without WAIT: " + report.lost();
            Files.writeString(report.logs().resolve("lost.txt"), measured + System.lineSeparator());
            System.out.println("cluster failover without WAIT: " + measured);
        }
    }
}
