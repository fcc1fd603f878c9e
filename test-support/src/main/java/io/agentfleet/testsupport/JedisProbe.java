package io.agentfleet.testsupport;

import java.net.URI;
import redis.clients.jedis.Jedis;

/** PING through Jedis, for URLs that need AUTH or TLS. */
final class JedisProbe {

    private static final int TIMEOUT_MILLIS = 2_000;

    private JedisProbe() {}

    static boolean answers(String uri) {
        try (Jedis jedis = new Jedis(URI.create(uri), TIMEOUT_MILLIS, TIMEOUT_MILLIS)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
