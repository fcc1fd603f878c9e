package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

class RedisExtensionOwnedSentinelTest {

    private static final String KEY = "fleet:{coder}:tasks";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.ownedSentinel();

    @Test
    void uriIsTheSentinelUrlAndJedisTalksToTheCurrentPrimary() {
        assertEquals(redis.sentinel().uri(), redis.uri());
        assertEquals(redis.uri(), redis.seedUri());
        assertTrue(redis.uri().startsWith("redis-sentinel://") && redis.uri().endsWith("#fleet-primary"));
        assertFalse(redis.isCluster());
        try (Jedis primary = redis.jedis()) {
            assertTrue(primary.info("server")
                    .contains("tcp_port:" + redis.sentinel().primary().port()));
            assertTrue(primary.info("replication").contains("role:master"));
        }
    }

    // Both tests write the same key through the sentineled client: without FLUSHALL, the second fails.
    @Test
    void eachTestStartsWithAnEmptyPrimary() {
        assertKeyAbsentThenWrite();
    }

    @Test
    void anotherTestAlsoStartsWithAnEmptyPrimary() {
        assertKeyAbsentThenWrite();
    }

    private static void assertKeyAbsentThenWrite() {
        try (UnifiedJedis client = redis.client()) {
            assertEquals(null, client.get(KEY));
            client.set(KEY, "left behind");
        }
    }
}
