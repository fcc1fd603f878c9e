package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisFaultInjectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String STREAM = "fleet:{coder}:tasks";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.withAof();

    @Test
    @Order(1)
    void killedRedisKeepsAcknowledgedStreamEntriesAfterRestart() {
        StreamEntryID last = appendTasks(100);
        int port = redis.port();

        redis.kill();
        assertFalse(redis.isRunning());
        redis.restart();

        assertEquals(port, redis.port());
        try (Jedis jedis = redis.jedis()) {
            assertEquals(100, jedis.xlen(STREAM));
            List<StreamEntry> newest = jedis.xrevrange(STREAM, (StreamEntryID) null, null, 1);
            assertEquals(last, newest.get(0).getID());
        }
    }

    @Test
    @Order(2)
    void pausedRedisTimesClientsOutAndResumeRecovers() {
        try (Jedis impatient = redis.jedis(Duration.ofMillis(500))) {
            assertEquals("PONG", impatient.ping());

            redis.pause();
            assertThrows(JedisConnectionException.class, impatient::ping);
            redis.resume();
        }

        Await.until(TIMEOUT, RedisFaultInjectionTest::answersPing, "Redis to answer again after resume");
    }

    @Test
    @Order(3)
    void gracefulStopThenStartKeepsThePortAndTheData() {
        appendTasks(3);
        int port = redis.port();

        redis.stop();
        assertFalse(redis.isRunning());
        redis.start();

        assertEquals(port, redis.port());
        try (Jedis jedis = redis.jedis()) {
            assertEquals(3, jedis.xlen(STREAM));
        }
    }

    @Test
    @Order(4)
    void aTestMayLeaveRedisKilled() {
        redis.kill();
        assertFalse(redis.isRunning());
    }

    @Test
    @Order(5)
    void theNextTestFindsRedisRunningAndEmptyAgain() {
        assertTrue(redis.isRunning());
        try (Jedis jedis = redis.jedis()) {
            assertEquals(0, jedis.dbSize());
        }
    }

    @Test
    @Order(6)
    void startingARunningRedisIsRefused() {
        IllegalStateException error = assertThrows(IllegalStateException.class, redis::start);

        assertTrue(error.getMessage().contains("already running"), error.getMessage());
        assertNotEquals(0, redis.port());
    }

    private static StreamEntryID appendTasks(int count) {
        StreamEntryID last = null;
        try (Jedis jedis = redis.jedis()) {
            for (int i = 0; i < count; i++) {
                last = jedis.xadd(STREAM, XAddParams.xAddParams(), Map.of("task", "t-" + i));
            }
        }
        return last;
    }

    private static boolean answersPing() {
        try (Jedis jedis = redis.jedis()) {
            return "PONG".equals(jedis.ping());
        }
    }
}
