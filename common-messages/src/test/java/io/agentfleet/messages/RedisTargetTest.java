package io.agentfleet.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.RedisTarget.Mode;
import io.agentfleet.messages.RedisTarget.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisTargetTest {

    @Test
    void oneNodeIsDetectedOnConnect() {
        RedisTarget target = RedisTarget.parse("redis://127.0.0.1:6390/2");
        assertEquals(Mode.AUTO, target.mode());
        assertEquals(List.of(new Node("127.0.0.1", 6390)), target.nodes());
        assertEquals(2, target.database());
        assertFalse(target.tls());
    }

    @Test
    void credentialsAndTlsAreReadAndNeverShown() {
        RedisTarget target = RedisTarget.parse("rediss://worker-coder:s3cr%40t@redis.internal:6380");
        assertEquals("worker-coder", target.user());
        assertEquals("s3cr@t", target.password());
        assertTrue(target.tls());
        assertEquals("rediss://worker-coder:***@redis.internal:6380", target.redacted());
        assertFalse(target.toString().contains("s3cr"));
    }

    @Test
    void aListOfNodesIsAClusterInBothSpellings() {
        List<Node> seeds = List.of(new Node("10.0.0.1", 7000), new Node("10.0.0.2", 7001));
        RedisTarget plain = RedisTarget.parse("redis://u:p@10.0.0.1:7000,10.0.0.2:7001");
        RedisTarget repeated = RedisTarget.parse("redis://10.0.0.1:7000,redis://10.0.0.2:7001");
        assertEquals(Mode.CLUSTER, plain.mode());
        assertEquals(seeds, plain.nodes());
        assertEquals("u", plain.user());
        assertEquals(Mode.CLUSTER, repeated.mode());
        assertEquals(seeds, repeated.nodes());
    }

    @Test
    void sentinelUrlsUseLettuceSyntax() {
        RedisTarget target = RedisTarget.parse("redis-sentinel://:pw@s1:26380,s2,s3:26382/1#fleet-primary");
        assertEquals(Mode.SENTINEL, target.mode());
        assertEquals(List.of(new Node("s1", 26380), new Node("s2", 26379), new Node("s3", 26382)), target.nodes());
        assertEquals("fleet-primary", target.sentinelMaster());
        assertEquals("pw", target.password());
        assertNull(target.user());
        assertEquals(1, target.database());
    }

    @Test
    void theModeOverrideReplacesDetection() {
        assertEquals(
                Mode.STANDALONE, RedisTarget.parse("redis://h:1", "standalone").mode());
        assertEquals(Mode.CLUSTER, RedisTarget.parse("redis://h:1", "CLUSTER").mode());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis://h:1", "ring"));
        assertTrue(e.getMessage().contains("'ring'"), e.getMessage());
    }

    @Test
    void badUrlsAreRefusedWithoutThePassword() {
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse(""));
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("http://h:1"));
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis://h:notaport"));
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis-sentinel://s1:26379"));
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis://a:1,b:2/3"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis:/u:hunter2@h:1"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
}
