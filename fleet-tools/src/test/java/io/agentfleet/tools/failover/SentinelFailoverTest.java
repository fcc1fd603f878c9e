package io.agentfleet.tools.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.testsupport.RedisSentinelSetup;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Sentinel failover mid-run ({@code kill -9} of the primary; the sentinels promote the replica), with the durability
 * setting on: the same counts as {@link ClusterFailoverTest}. The killed node is restarted after the failover and the
 * sentinels make it a replica of the new primary.
 */
class SentinelFailoverTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.ownedSentinel();

    @Test
    void sentinelFailoverLosesNoAcknowledgedTaskOrOutcome() throws Exception {
        RedisSentinelSetup sentinel = redis.sentinel();
        RedisSentinelSetup.Node primary = sentinel.primary();
        try (FailoverDrill drill = new FailoverDrill(redis.uri(), ClusterFailoverTest.DURABLE, "sentinel")) {
            FailoverDrill.Report report = drill.run(redis::client, 5_000, 20, () -> {
                sentinel.kill(primary);
                RedisSentinelSetup.Node promoted = sentinel.awaitFailover(Duration.ofSeconds(60));
                assertNotEquals(primary.port(), promoted.port());
                sentinel.restart(primary);
            });
            assertEquals(
                    List.of(),
                    report.lost(),
                    () -> "acknowledged tasks without an outcome: " + drill.describeLost(redis::client, report.lost())
                            + "; " + sentinel.describe());
            assertEquals(List.of(), report.recordedTwice(), "tasks with two outcomes");
            assertEquals(List.of(), report.runsNotCompleted(), "runs in flight that did not complete");
        }
    }
}
