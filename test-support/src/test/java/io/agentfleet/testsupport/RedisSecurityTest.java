package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;

/** The ACL-user option without TLS (TLS in every mode is proven by fleet-lettuce's and fleet-client's *TlsTest). */
class RedisSecurityTest {

    @Test
    void aclUserOnAPlainPortNeedsItsPassword() {
        try (RedisProcess redis =
                        RedisProcess.start(RedisProcess.Options.defaults().withUser("alice", "pw-1"));
                JedisPooled client = redis.client()) {
            assertEquals("redis://alice:pw-1@127.0.0.1:" + redis.port(), redis.uri());
            assertEquals("PONG", client.ping());
            try (Jedis authenticated = RedisNodes.connect(redis.port(), Duration.ofSeconds(2), redis.security())) {
                assertEquals("alice", authenticated.aclWhoAmI());
            }
            assertTrue(redis.describe().contains("redis://127.0.0.1:"), "no password in " + redis.describe());
            try (Jedis anonymous = RedisNodes.connect(redis.port(), Duration.ofSeconds(2))) {
                assertThrows(JedisDataException.class, anonymous::ping);
            }
        }
    }

    @Test
    void defaultsStayPlainAndPasswordless() {
        RedisSecurity none = RedisProcess.Options.defaults().security();
        assertEquals(RedisSecurity.none(), none);
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri());
        }
        assertThrows(IllegalArgumentException.class, () -> new RedisSecurity(null, "alice", null));
    }
}
