package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** REDIS_URL handling, with the environment injected so the test needs no real variable. */
class RedisUrlTest {

    private static RedisProcess external;

    @BeforeAll
    static void startTheExternalRedis() {
        external = RedisProcess.start(RedisProcess.Options.defaults());
    }

    @AfterAll
    static void stopTheExternalRedis() {
        external.close();
    }

    @Test
    void createUsesRedisUrlAndRefusesFaultInjectionClearly() {
        RedisExtension redis = new RedisExtension(false, false, true, redisUrl(external.uri()));
        try {
            assertEquals(external.uri(), redis.uri());
            try (Jedis jedis = redis.jedis()) {
                assertEquals("PONG", jedis.ping());
            }
            assertFalse(redis.isControllable());

            UnsupportedOperationException error = assertThrows(UnsupportedOperationException.class, redis::kill);

            assertTrue(error.getMessage().contains("fault injection needs a fixture-owned Redis"), error.getMessage());
            assertTrue(error.getMessage().contains("RedisExtension.owned()"), error.getMessage());
        } finally {
            redis.shutdown();
        }
        assertTrue(external.isRunning(), "the fixture must not stop a Redis it does not own");
    }

    @Test
    void ownedIgnoresRedisUrl() {
        RedisExtension redis = new RedisExtension(true, false, true, redisUrl(external.uri()));
        try {
            assertNotEquals(external.uri(), redis.uri());
            assertTrue(redis.isControllable());
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void anUnreachableRedisUrlFailsNamingTheUrl() {
        String nobody = "redis://127.0.0.1:" + FreePort.pick();
        RedisExtension redis = new RedisExtension(false, false, true, redisUrl(nobody));

        IllegalStateException error = assertThrows(IllegalStateException.class, redis::uri);

        assertTrue(error.getMessage().contains(nobody + " does not answer PING"), error.getMessage());
    }

    @Test
    void aPasswordInRedisUrlIsNotRepeatedInErrors() {
        String secret = "redis://:s3cret@127.0.0.1:" + FreePort.pick();
        RedisExtension redis = new RedisExtension(false, false, true, redisUrl(secret));

        IllegalStateException error = assertThrows(IllegalStateException.class, redis::uri);

        assertFalse(error.getMessage().contains("s3cret"), error.getMessage());
    }

    private static UnaryOperator<String> redisUrl(String url) {
        return name -> RedisBackends.REDIS_URL.equals(name) ? url : null;
    }
}
