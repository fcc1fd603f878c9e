package io.agentfleet.lettuce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

class FleetRedisStandaloneTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final StreamKeys KEYS = StreamKeys.DEFAULT;
    private FleetRedis fleet;

    @AfterEach
    void close() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private FleetRedis connect(FleetRedisOptions options) {
        fleet = FleetRedis.connect(RedisTarget.parse(redis.uri()), options);
        return fleet;
    }

    @Test
    void aSingleNodeUrlOfAStandaloneRedisIsDetectedAsStandalone() {
        assertEquals(
                RedisTarget.Mode.STANDALONE, connect(FleetRedisOptions.DEFAULTS).mode());
        assertFalse(fleet.isCluster());
        assertEquals("PONG", fleet.shared().sync().ping());
    }

    @Test
    void scriptCallsRunAndLoadTheScriptAgainAfterScriptFlush() {
        connect(FleetRedisOptions.DEFAULTS);
        ScriptCall register = FleetScripts.registerPartitions(KEYS, "coder", 3);
        assertEquals(3L, fleet.<Long>runSync(register, ScriptOutputType.INTEGER));
        try (Jedis jedis = redis.jedis()) {
            jedis.scriptFlush();
            assertFalse(jedis.scriptExists(register.script().sha1()));
        }

        assertEquals(
                3L, fleet.<Long>runSync(FleetScripts.registerPartitions(KEYS, "coder", 2), ScriptOutputType.INTEGER));

        try (Jedis jedis = redis.jedis()) {
            assertTrue(jedis.scriptExists(register.script().sha1()), "EVAL cached the script again");
            assertEquals("3", jedis.hget(KEYS.config("coder"), StreamKeys.PARTITIONS_FIELD));
        }
    }

    @Test
    void aScriptOnADedicatedConnectionIsSentWithEvalOnceAfterScriptFlush() {
        connect(FleetRedisOptions.DEFAULTS);
        ScriptCall register = FleetScripts.registerPartitions(KEYS, "coder", 3);
        FleetConnection<String, byte[]> dedicated = fleet.dedicatedBytes();
        try (Jedis jedis = redis.jedis()) {
            jedis.scriptFlush();
        }
        byte[][] args = register.args().toArray(new byte[0][]);
        Long registered = FleetRedis.runOn(
                dedicated.sync(),
                register.script(),
                ScriptOutputType.INTEGER,
                register.keys().toArray(new String[0]),
                args);
        assertEquals(3L, registered);
        try (Jedis jedis = redis.jedis()) {
            assertTrue(jedis.scriptExists(register.script().sha1()), "EVAL cached the script again");
        }
        assertEquals(
                3L,
                FleetRedis.<String, byte[], Long>runOn(
                        dedicated.sync(),
                        register.script(),
                        ScriptOutputType.INTEGER,
                        register.keys().toArray(new String[0]),
                        args),
                "EVALSHA of the cached script");
        dedicated.close();
    }

    @Test
    void multiRepliesComeBackAsStringsAndScriptErrorsAsRedisErrors() {
        connect(FleetRedisOptions.DEFAULTS);
        ScriptCall enqueue =
                FleetScripts.enqueue(KEYS, "coder", 1, 0, List.of(utf8("{\"a\":1}"), utf8("{\"b\":\"é\"}")), List.of());
        List<Object> ids = fleet.runSync(enqueue, ScriptOutputType.MULTI);
        assertEquals(2, ids.size());
        try (Jedis jedis = redis.jedis()) {
            assertEquals(2, jedis.xlen(KEYS.tasks("coder", 1)));
            jedis.hset(KEYS.config("coder", 1), StreamKeys.MAX_BACKLOG_FIELD, "2");
        }
        RedisCommandExecutionException refused = assertThrows(
                RedisCommandExecutionException.class, () -> fleet.runSync(enqueue, ScriptOutputType.MULTI));
        assertTrue(refused.getMessage().startsWith(FleetScripts.BACKPRESSURE_ERROR), refused.getMessage());
    }

    @Test
    void createGroupMakesTheStreamAndIgnoresAnExistingGroup() {
        connect(FleetRedisOptions.DEFAULTS);
        String stream = KEYS.tasks("coder", 2);
        assertTrue(fleet.createGroup(stream, StreamKeys.WORKERS_GROUP, "0"));
        assertFalse(fleet.createGroup(stream, StreamKeys.WORKERS_GROUP, "0"));
        try (Jedis jedis = redis.jedis()) {
            assertEquals(1, jedis.xinfoGroups(stream).size());
        }
    }

    @Test
    void awaitReplicasIsFreeWhenOffAndCountsAcksWhenOn() {
        connect(FleetRedisOptions.DEFAULTS);
        assertEquals(0L, FleetRedis.await(fleet.awaitReplicas(KEYS.tasks("coder")), Duration.ofSeconds(5)));
        fleet.close();

        connect(FleetRedisOptions.DEFAULTS.withWait(1, Duration.ofMillis(50)));
        fleet.runSync(FleetScripts.registerPartitions(KEYS, "coder", 2), ScriptOutputType.INTEGER);
        assertEquals(
                0L,
                FleetRedis.await(fleet.awaitReplicas(KEYS.config("coder")), Duration.ofSeconds(5)),
                "a node without replicas acknowledges nothing, after the WAIT timeout");
    }

    @Test
    void aDedicatedConnectionIsItsOwn() {
        connect(FleetRedisOptions.DEFAULTS);
        FleetConnection<String, byte[]> dedicated = fleet.dedicatedBytes();
        assertTrue((Object) dedicated.connection() != fleet.shared().connection());
        dedicated.sync().set("k", utf8("v"));
        assertEquals("v", fleet.shared().sync().get("k"));
        dedicated.close();
    }

    @Test
    void aclCredentialsAreUsedAndADeniedInfoMeansStandalone() {
        try (Jedis jedis = redis.jedis()) {
            jedis.aclSetUser("fleet-noinfo", "on", ">s3cret-pw", "~*", "+@all", "-info");
        }
        try {
            String url = "redis://fleet-noinfo:s3cret-pw@" + redis.host() + ":" + redis.port();
            fleet = FleetRedis.connect(RedisTarget.parse(url), FleetRedisOptions.DEFAULTS);
            assertEquals(RedisTarget.Mode.STANDALONE, fleet.mode(), "INFO refused (NOPERM): standalone");
            assertEquals(
                    2L, fleet.<Long>runSync(FleetScripts.registerPartitions(KEYS, "acl", 2), ScriptOutputType.INTEGER));
            assertEquals("fleet-noinfo", fleet.shared().sync().aclWhoami());
            assertFalse(fleet.describe().contains("s3cret-pw"), fleet.describe());
        } finally {
            try (Jedis jedis = redis.jedis()) {
                jedis.aclDelUser("fleet-noinfo");
            }
        }
    }

    @Test
    void optionsRefuseAWaitThatWouldBlockForever() {
        assertThrows(IllegalArgumentException.class, () -> FleetRedisOptions.DEFAULTS.withWait(1, Duration.ZERO));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
