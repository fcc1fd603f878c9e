package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionOwnedClusterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY = "fleet:{coder}:tasks";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.ownedCluster();

    @Test
    @Order(1)
    void aTestMayLeaveAPrimaryKilledAfterItsFailover() {
        RedisCluster.Node primary = redis.cluster().primaryForKey(KEY);

        redis.cluster().kill(primary);
        redis.cluster().awaitFailover(primary, TIMEOUT);

        try (UnifiedJedis client = redis.client()) {
            client.set(KEY, "left behind");
        }
        assertThrows(UnsupportedOperationException.class, redis::kill);
    }

    @Test
    @Order(2)
    void theNextTestFindsEveryNodeRunningAndTheClusterEmpty() {
        assertEquals(
                6,
                redis.cluster().nodes().stream()
                        .filter(redis.cluster()::isRunning)
                        .count());
        try (UnifiedJedis client = redis.client()) {
            assertEquals(null, client.get(KEY));
        }
        assertTrue(redis.isCluster());
    }
}
