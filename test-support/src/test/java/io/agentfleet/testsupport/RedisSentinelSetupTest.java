package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentineled;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelSetupTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static RedisSentinelSetup setup;
    private static RedisSentinelSetup.Node formerPrimary;

    @BeforeAll
    static void startSetup() {
        setup = RedisSentinelSetup.start();
    }

    @AfterAll
    static void stopSetup() {
        if (setup != null) {
            setup.close();
        }
    }

    @Test
    @Order(1)
    void sentinelsSeeOnePrimaryAndItsReplica() {
        List<Integer> sentinels = setup.sentinelPorts();

        assertEquals(3, sentinels.size());
        assertEquals(
                "redis-sentinel://127.0.0.1:" + sentinels.get(0) + ",127.0.0.1:" + sentinels.get(1) + ",127.0.0.1:"
                        + sentinels.get(2) + "#fleet-primary",
                setup.uri());
        assertNotEquals(setup.primary().port(), setup.replica().port());
        try (JedisSentineled client = setup.client()) {
            client.set("fleet:{coder}:config", "before failover");
            assertEquals("before failover", client.get("fleet:{coder}:config"));
        }
    }

    @Test
    @Order(2)
    void killedPrimaryIsReplacedByTheFormerReplicaAndTheClientWritesToIt() {
        RedisSentinelSetup.Node primary = setup.primary();
        RedisSentinelSetup.Node replica = setup.replica();

        try (JedisSentineled client = setup.client()) {
            setup.kill(primary);
            assertFalse(setup.isRunning(primary));
            RedisSentinelSetup.Node promoted = setup.awaitFailover(TIMEOUT);

            assertEquals(replica.port(), promoted.port());
            Await.until(
                    TIMEOUT,
                    () -> "OK".equals(client.set("fleet:{coder}:tasks", "after failover")),
                    "the sentineled client to write to the new primary");
        }
        try (Jedis direct = new Jedis(replica.hostAndPort())) {
            assertEquals("after failover", direct.get("fleet:{coder}:tasks"));
        }
        formerPrimary = primary;
    }

    @Test
    @Order(3)
    void restartedFormerPrimaryIsTurnedIntoAReplicaOfTheNewOne() {
        int newPrimary = setup.primary().port();

        setup.restart(formerPrimary);

        // Sentinel demotes a restarted former primary only after it has reported the wrong role for a while
        // (~20 s on a quiet machine, much longer on a loaded one), so this wait is generous.
        Await.until(
                Duration.ofMinutes(3),
                () -> {
                    try (Jedis former = new Jedis(formerPrimary.hostAndPort())) {
                        String info = former.info("replication");
                        return info.contains("role:slave")
                                && info.contains("master_port:" + newPrimary)
                                && info.contains("master_link_status:up");
                    }
                },
                "the restarted former primary to replicate the new primary");
        setup.awaitHealthy(TIMEOUT);
        assertEquals(formerPrimary.port(), setup.replica().port());
    }

    @Test
    @Order(4)
    void pausedPrimaryIsReplacedAndRejoinsAsAReplicaWhenResumed() {
        RedisSentinelSetup.Node primary = setup.primary();
        RedisSentinelSetup.Node replica = setup.replica();

        try (JedisSentineled client = setup.client()) {
            setup.pause(primary);
            RedisSentinelSetup.Node promoted = setup.awaitFailover(TIMEOUT);
            assertEquals(replica.port(), promoted.port());
            Await.until(
                    TIMEOUT,
                    () -> "OK".equals(client.set("fleet:{coder}:tasks", "after pause")),
                    "the sentineled client to write to the new primary");
        } finally {
            setup.resume(primary);
        }
        Await.until(
                Duration.ofMinutes(3),
                () -> {
                    try (Jedis former = new Jedis(primary.hostAndPort())) {
                        String info = former.info("replication");
                        return info.contains("role:slave")
                                && info.contains("master_port:" + replica.port())
                                && info.contains("master_link_status:up");
                    }
                },
                "the resumed former primary to replicate the new primary");
        try (Jedis former = new Jedis(primary.hostAndPort())) {
            Await.until(
                    TIMEOUT,
                    () -> "after pause".equals(former.get("fleet:{coder}:tasks")),
                    "the resumed node to hold the write made while it was paused");
        }
    }

    @Test
    @Order(5)
    void closeLeavesNoRedisProcessBehind() {
        List<Long> pids = setup.pids();
        assertEquals(5, pids.size());

        setup.close();

        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
        }
    }
}
