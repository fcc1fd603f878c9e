package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

class RedisExtensionTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void givesARedisThatAnswersPing() {
        try (Jedis jedis = redis.jedis()) {
            assertEquals("PONG", jedis.ping());
        }
        assertTrue(redis.isRunning());
    }

    @Test
    void anOwnedRedisHasAUriMadeOfHostAndPort() {
        if (redis.isControllable()) {
            assertEquals("redis://" + redis.host() + ":" + redis.port(), redis.uri());
        }
    }

    // Both tests write the same key: without FLUSHALL before each, whichever runs second fails.
    @Test
    void eachTestStartsWithAnEmptyDatabase() {
        assertDatabaseEmptyThenWrite();
    }

    @Test
    void anotherTestAlsoStartsWithAnEmptyDatabase() {
        assertDatabaseEmptyThenWrite();
    }

    // Through client(), so that it also runs on the cluster backend (-Dfleet.test.redis=cluster).
    private static void assertDatabaseEmptyThenWrite() {
        if (!redis.isCluster()) {
            try (Jedis jedis = redis.jedis()) {
                assertEquals(0, jedis.dbSize());
            }
        }
        try (UnifiedJedis client = redis.client()) {
            assertNull(client.get("left-behind"));
            client.set("left-behind", "by a previous test");
        }
    }
}
