package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.testsupport.RedisExtension.Topology;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

class RedisExtensionOnClusterTest {

    // What create() builds under -Dfleet.test.redis=cluster; the property is not set here so
    // that the other test classes of this JVM keep their standalone Redis.
    @RegisterExtension
    static final RedisExtension redis = new RedisExtension(false, false, true, System::getenv, Topology.SHARED_CLUSTER);

    private static final String[] KEYS = {
        "fleet:{coder}:tasks",
        "fleet:{reviewer}:tasks",
        "fleet:{run:r1}:state",
        "fleet:agents",
        "fleet:{coder:1}:tasks",
        "fleet:{coder:2}:tasks"
    };

    @Test
    void theClusterPropertyOrEnvironmentSelectsTheSharedCluster() {
        assertEquals(Topology.SHARED_CLUSTER, RedisExtension.requestedTopology(property("cluster"), none()));
        assertEquals(Topology.SHARED_CLUSTER, RedisExtension.requestedTopology(none(), env("cluster")));
        assertEquals(Topology.STANDALONE, RedisExtension.requestedTopology(none(), none()));
        assertEquals(Topology.STANDALONE, RedisExtension.requestedTopology(property("standalone"), env("cluster")));
        assertThrows(
                IllegalArgumentException.class, () -> RedisExtension.requestedTopology(property("sentinel"), none()));
    }

    @Test
    void uriIsOneClusterNodeAndSeedUriListsThePrimaries() {
        assertTrue(redis.isCluster());
        assertEquals(3, redis.seedUri().substring("redis://".length()).split(",").length, redis.seedUri());
        try (Jedis node = redis.jedis()) {
            assertTrue(node.info("cluster").contains("cluster_enabled:1"));
        }
        assertTrue(redis.seedUri().contains("127.0.0.1:" + redis.port()), redis.seedUri());
    }

    // Both tests write keys on every shard: without FLUSHALL on every primary, whichever runs second fails.
    @Test
    void eachTestStartsWithAnEmptyCluster() {
        assertEveryKeyAbsentThenWrite();
    }

    @Test
    void anotherTestAlsoStartsWithAnEmptyCluster() {
        assertEveryKeyAbsentThenWrite();
    }

    private static void assertEveryKeyAbsentThenWrite() {
        try (UnifiedJedis client = redis.client()) {
            for (String key : KEYS) {
                assertEquals(null, client.get(key), key);
                client.set(key, "left behind");
            }
        }
        assertEquals(
                3,
                Arrays.stream(KEYS)
                        .map(key -> redis.cluster().primaryForKey(key).id())
                        .distinct()
                        .count(),
                "the keys span every shard");
    }

    private static UnaryOperator<String> property(String value) {
        return Map.of(RedisExtension.BACKEND_PROPERTY, value)::get;
    }

    private static UnaryOperator<String> env(String value) {
        return Map.of(RedisExtension.BACKEND_ENV, value)::get;
    }

    private static UnaryOperator<String> none() {
        return name -> null;
    }
}
