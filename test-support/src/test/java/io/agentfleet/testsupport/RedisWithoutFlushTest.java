package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** With flushing off, what one test writes is still there in the next; the pair runs in order on one owned server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisWithoutFlushTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.owned().flushBeforeEach(false);

    @Test
    @Order(1)
    void aTestWritesAKey() {
        try (Jedis writer = redis.jedis();
                Jedis reader = redis.jedis()) {
            assertEquals(0, writer.dbSize(), "the class's own server starts empty");
            assertEquals("OK", writer.set("shared", "across tests"));
            assertEquals("across tests", reader.get("shared"), "the key as another connection reads it");
            assertEquals(1, reader.dbSize());
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
