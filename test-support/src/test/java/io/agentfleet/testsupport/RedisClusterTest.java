package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void clusterFormsWithThreePrimariesEachWithOneReplica() {
        List<RedisCluster.Node> nodes = cluster.nodes();

        List<RedisCluster.Node> primaries = primaries();
        assertEquals(3, primaries.size(), nodes.toString());
        Set<String> primaryIds = primaries.stream().map(RedisCluster.Node::id).collect(Collectors.toSet());
        List<RedisCluster.Node> replicas =
                nodes.stream().filter(n -> n.role() == RedisRole.REPLICA).toList();
        assertEquals(3, replicas.size(), nodes.toString());
        assertEquals(
                primaryIds, replicas.stream().map(RedisCluster.Node::primaryId).collect(Collectors.toSet()));
        assertEquals(
                "redis://"
                        + primaries.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(",")),
                cluster.seedUri());
    }

    @Test
    @Order(2)
    void namesOnDistinctPrimariesGivesOneNamePerPrimaryServingItsKey() {
        Map<Integer, String> byPort =
                cluster.namesOnDistinctPrimaries(5, "agent", name -> "fleet:{" + name + "}:tasks");

        assertEquals(3, byPort.size(), "at most one name per primary, and the cluster has three: " + byPort);
        assertEquals(primaries().stream().map(RedisCluster.Node::port).collect(Collectors.toSet()), byPort.keySet());
        byPort.forEach((port, name) -> assertEquals(
                (int) port, cluster.primaryForKey("fleet:{" + name + "}:tasks").port(), name));
        assertEquals(
                2, cluster.namesOnDistinctPrimaries(2, "agent", name -> name).size());
    }

    @Test
    @Order(3)
    void aKeyOnEachPrimarysSlotsIsWrittenAndReadThroughTheClusterClient() {
        try (JedisCluster client = cluster.client()) {
            for (RedisCluster.Node primary : primaries()) {
                String key = keyServedBy(primary);
                client.set(key, "value-of-" + key);

                assertEquals("value-of-" + key, client.get(key));
                try (Jedis direct = RedisCluster.connect(primary.port(), TIMEOUT)) {
                    assertEquals("value-of-" + key, direct.get(key), "the key lives on its slot's primary");
                }
            }
        }
    }

    @Test
    @Order(4)
    void killedPrimaryIsReplacedByItsReplicaAndItsSlotsTakeWritesAgain() {
        RedisCluster.Node primary = primaries().get(0);
        RedisCluster.Node replica = cluster.replicaOf(primary);
        String key = keyServedBy(primary);

        cluster.kill(primary);
        assertFalse(cluster.isRunning(primary));
        RedisCluster.Node promoted = cluster.awaitFailover(primary, TIMEOUT);

        assertEquals(replica.id(), promoted.id());
        assertEquals(RedisRole.PRIMARY, promoted.role());
        try (JedisCluster client = cluster.client()) {
            client.set(key, "after failover");
            assertEquals("after failover", client.get(key));
        }
        assertEquals(promoted.id(), cluster.primaryForKey(key).id());
    }

    @Test
    @Order(5)
    void restartedFormerPrimaryRejoinsAsAReplicaOfTheNodeThatReplacedIt() {
        RedisCluster.Node former = cluster.nodes().stream()
                .filter(n -> !cluster.isRunning(n))
                .findFirst()
                .orElseThrow();

        cluster.restart(former);
        cluster.awaitHealthy(TIMEOUT);

        RedisCluster.Node rejoined = node(former.id());
        assertEquals(RedisRole.REPLICA, rejoined.role());
        assertEquals(former.port(), rejoined.port());
        assertEquals(3, primaries().size());
    }

    @Test
    @Order(6)
    void pausedPrimaryIsReplacedAndRejoinsAsAReplicaWhenResumed() {
        RedisCluster.Node primary = primaries().get(1);
        RedisCluster.Node replica = cluster.replicaOf(primary);

        cluster.pause(primary);
        RedisCluster.Node promoted = cluster.awaitFailover(primary, TIMEOUT);
        cluster.resume(primary);
        cluster.awaitHealthy(TIMEOUT);

        assertEquals(replica.id(), promoted.id());
        RedisCluster.Node resumed = node(primary.id());
        assertEquals(RedisRole.REPLICA, resumed.role());
        assertEquals(promoted.id(), resumed.primaryId());
    }

    @Test
    @Order(7)
    void flushAllEmptiesEveryPrimary() {
        try (JedisCluster client = cluster.client()) {
            for (RedisCluster.Node primary : primaries()) {
                client.set(keyServedBy(primary), "x");
            }
        }

        cluster.flushAll();

        for (RedisCluster.Node primary : primaries()) {
            try (Jedis direct = RedisCluster.connect(primary.port(), TIMEOUT)) {
                assertEquals(0, direct.dbSize());
            }
        }
    }

    @Test
    @Order(8)
    void closeLeavesNoRedisProcessBehind() {
        RedisCluster own = RedisCluster.start(RedisCluster.Options.defaults().withReplicasPerPrimary(0));
        List<Long> pids = own.nodes().stream().map(own::pid).toList();
        assertTrue(pids.stream().allMatch(pid -> ProcessHandle.of(pid).isPresent()));

        own.close();

        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
        }
    }

    private static List<RedisCluster.Node> primaries() {
        return cluster.nodes().stream()
                .filter(n -> n.role() == RedisRole.PRIMARY)
                .toList();
    }

    private static RedisCluster.Node node(String id) {
        return cluster.nodes().stream()
                .filter(n -> n.id().equals(id))
                .findFirst()
                .orElseThrow();
    }

    static String keyServedBy(RedisCluster.Node primary) {
        for (int i = 0; ; i++) {
            String key = "fleet:{k" + i + "}:tasks";
            if (cluster.primaryForKey(key).id().equals(primary.id())) {
                return key;
            }
        }
    }
}
