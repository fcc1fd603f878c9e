package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisWithoutFlushTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.owned().flushBeforeEach(false);

    @Test
    @Order(1)
    void aTestWritesAKey() {
        try (Jedis jedis = redis.jedis()) {
            jedis.set("shared", "across tests");
        }
    }

    @Test
    @Order(2)
    void theNextTestStillSeesItWhenFlushingIsOff() {
        try (Jedis jedis = redis.jedis()) {
            assertEquals("across tests", jedis.get("shared"));
        }
    }
}
