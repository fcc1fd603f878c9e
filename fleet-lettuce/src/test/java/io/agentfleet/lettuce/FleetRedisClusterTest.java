package io.agentfleet.lettuce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.HashSlots;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.testsupport.RedisRole;
import io.lettuce.core.Consumer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/** FleetRedis against a real 3-primary, 3-replica Redis Cluster. */
class FleetRedisClusterTest {
    private static final StreamKeys KEYS = StreamKeys.DEFAULT;

    @RegisterExtension
    static final RedisExtension fixture = RedisExtension.ownedCluster();

    private static RedisCluster cluster;
    private FleetRedis fleet;

    @BeforeAll
    static void cluster() {
        cluster = fixture.cluster();
    }

    @AfterEach
    void close() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private FleetRedis connect(String url, FleetRedisOptions options) {
        fleet = FleetRedis.connect(RedisTarget.parse(url), options);
        return fleet;
    }

    @Test
    void oneNodesUrlIsDetectedAsAClusterAndSeedListsAreClusters() {
        assertEquals(RedisTarget.Mode.AUTO, RedisTarget.parse(cluster.uri()).mode());
        assertEquals(
                RedisTarget.Mode.CLUSTER,
                connect(cluster.uri(), FleetRedisOptions.DEFAULTS).mode());
        fleet.close();
        assertEquals(
                RedisTarget.Mode.CLUSTER,
                connect(cluster.seedUri(), FleetRedisOptions.DEFAULTS).mode());
    }

    @Test
    void theModeOverrideMakesOneNodesUrlAClusterWithoutAskingTheNode() {
        fleet = FleetRedis.connect(RedisTarget.parse(cluster.uri(), "cluster"), FleetRedisOptions.DEFAULTS);
        assertEquals(RedisTarget.Mode.CLUSTER, fleet.mode());
        for (String agent : agentsOnEveryPrimary().values()) {
            List<Object> ids = fleet.runSync(
                    FleetScripts.enqueue(KEYS, agent, 0, 0, List.of(utf8("{\"n\":1}")), List.of()),
                    ScriptOutputType.MULTI);
            assertEquals(1, ids.size(), "enqueued on the shard of " + agent);
        }
    }

    @Test
    void scriptsOnKeysOfEveryShardRunThroughOneFleetRedisAndSurviveScriptFlushOnEveryNode() {
        connect(cluster.uri(), FleetRedisOptions.DEFAULTS);
        Map<Integer, String> agentByPrimary = agentsOnEveryPrimary();
        assertEquals(3, agentByPrimary.size(), "the test needs agent types on all three primaries");
        for (String agent : agentByPrimary.values()) {
            List<Object> ids = fleet.runSync(
                    FleetScripts.enqueue(KEYS, agent, 0, 0, List.of(utf8("{\"n\":1}")), List.of()),
                    ScriptOutputType.MULTI);
            assertEquals(1, ids.size());
        }
        for (RedisCluster.Node node : cluster.nodes()) {
            if (cluster.isRunning(node)) {
                try (Jedis jedis = jedis(node)) {
                    jedis.scriptFlush();
                }
            }
        }
        for (String agent : agentByPrimary.values()) {
            fleet.runSync(
                    FleetScripts.enqueue(KEYS, agent, 0, 0, List.of(utf8("{\"n\":2}")), List.of()),
                    ScriptOutputType.MULTI);
        }
        try (JedisCluster client = cluster.client()) {
            for (String agent : agentByPrimary.values()) {
                assertEquals(2, client.xlen(KEYS.tasks(agent)), agent);
            }
        }
        for (Map.Entry<Integer, String> e : agentByPrimary.entrySet()) {
            try (Jedis jedis = jedis(primaryServing(KEYS.tasks(e.getValue())))) {
                assertTrue(
                        jedis.scriptExists(FleetScripts.ENQUEUE.sha1()),
                        "EVAL after NOSCRIPT cached the script on the node of " + e.getValue());
            }
        }
    }

    @Test
    void aBlockingReadOnADedicatedConnectionGetsAnEntryOfAStreamOnAnotherShardThanTheSeed() throws Exception {
        String seed = cluster.uri();
        connect(seed, FleetRedisOptions.DEFAULTS);
        int seedPort = Integer.parseInt(seed.substring(seed.lastIndexOf(':') + 1));
        String agent = agentsOnEveryPrimary().entrySet().stream()
                .filter(e -> e.getKey() != seedPort)
                .findFirst()
                .orElseThrow()
                .getValue();
        String stream = KEYS.tasks(agent);
        assertNotEquals(seedPort, primaryServing(stream).port());
        assertTrue(fleet.createGroup(stream, StreamKeys.WORKERS_GROUP, "0"));

        FleetConnection<String, byte[]> reader = fleet.dedicatedBytes();
        CompletableFuture<List<StreamMessage<String, byte[]>>> read = CompletableFuture.supplyAsync(() -> reader.sync()
                .xreadgroup(
                        Consumer.from(StreamKeys.WORKERS_GROUP, "c1"),
                        XReadArgs.Builder.count(1).block(Duration.ofSeconds(10)),
                        XReadArgs.StreamOffset.lastConsumed(stream)));
        Thread.sleep(300);
        try (JedisCluster client = cluster.client()) {
            client.xadd(stream, redis.clients.jedis.StreamEntryID.NEW_ENTRY, Map.of("msg", "hello"));
        }
        List<StreamMessage<String, byte[]>> entries = read.get(30, TimeUnit.SECONDS);
        assertEquals(1, entries.size());
        assertEquals("hello", new String(entries.get(0).getBody().get("msg"), StandardCharsets.UTF_8));
        reader.close();
    }

    @Test
    void awaitReplicasWaitsOnTheNodeThatTookTheWrite() {
        connect(cluster.seedUri(), FleetRedisOptions.DEFAULTS.withWait(1, Duration.ofSeconds(2)));
        for (String agent : agentsOnEveryPrimary().values()) {
            fleet.runSync(FleetScripts.registerPartitions(KEYS, agent, 2), ScriptOutputType.INTEGER);
            long acks = FleetRedis.await(fleet.awaitReplicas(KEYS.config(agent)), Duration.ofSeconds(10));
            assertEquals(1L, acks, "the primary of " + agent + " has one replica");
        }
    }

    /**
     * Every script call the fleet builds keeps its keys in one hash slot, by Redis's own CLUSTER KEYSLOT, and the
     * contract's CRC16 and Lettuce's agree with it.
     */
    @Test
    void everyScriptCallKeepsItsKeysInOneSlot() {
        List<ScriptCall> calls = new ArrayList<>();
        for (String agent : List.of("coder", "reviewer", "a-b_c9", "x")) {
            for (int p = 0; p < 5; p++) {
                calls.add(FleetScripts.enqueue(
                        KEYS, agent, p, 0, List.of(utf8("{}"), utf8("{}")), List.of("task-1", "task-2")));
                calls.add(FleetScripts.redrive(
                        KEYS,
                        agent,
                        p,
                        List.of(
                                new FleetScripts.Redrive("1-0", "task-1", utf8("{}")),
                                new FleetScripts.Redrive("2-0", null, utf8("{}")))));
            }
            calls.add(FleetScripts.registerPartitions(KEYS, agent, 3));
        }
        try (Jedis jedis = jedis(primaryServing("x"))) {
            for (ScriptCall call : calls) {
                long slot = jedis.clusterKeySlot(call.firstKey());
                for (String key : call.keys()) {
                    assertEquals(slot, jedis.clusterKeySlot(key), call.script().name() + ": " + call.keys());
                    assertEquals(slot, HashSlots.slotOf(key), key);
                    assertEquals(slot, SlotHash.getSlot(key), key);
                }
            }
        }
    }

    /** One agent type per primary: port of the primary to the agent type whose partition-0 keys it serves. */
    private static Map<Integer, String> agentsOnEveryPrimary() {
        return cluster.namesOnDistinctPrimaries(3, "agent", KEYS::tasks);
    }

    private static RedisCluster.Node primaryServing(String key) {
        RedisCluster.Node node = cluster.primaryForKey(key);
        assertEquals(RedisRole.PRIMARY, node.role());
        return node;
    }

    private static Jedis jedis(RedisCluster.Node node) {
        return new Jedis(RedisCluster.HOST, node.port());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
