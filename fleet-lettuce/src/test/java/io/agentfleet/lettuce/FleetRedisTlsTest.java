package io.agentfleet.lettuce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisSentinelSetup;
import io.agentfleet.testsupport.SecuredRedis;
import io.lettuce.core.Consumer;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * ACL user + password + TLS in every mode: {@code rediss://user:pass@…} for one node (standalone, and
 * a cluster node that is detected as a cluster), a {@code rediss://} seed list, and {@code
 * rediss-sentinel://user:pass@…#name}. The fixtures run TLS-only (no plain port) with the user
 * and {@code requirepass}; replication, the cluster bus and the sentinels' links are TLS too.
 *
 * <p>Lettuce trusts the JVM default truststore ({@code javax.net.ssl.trustStore}), which is set here
 * before the first TLS connection. This class runs in its own surefire execution (see the pom), so
 * no earlier test in the JVM has initialised the JDK's default SSL context without it.
 */
class FleetRedisTlsTest {
    private static final StreamKeys KEYS = StreamKeys.DEFAULT;
    private static final String USER = "fleet-svc";
    private static final String PASSWORD = "s3cret-pw";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final SecuredRedis secured = SecuredRedis.create(USER, PASSWORD);

    @Test
    void standaloneOverTlsWithAclUser() {
        String url = secured.standalone().uri();
        assertEquals(
                "rediss://" + USER + ":" + PASSWORD + "@127.0.0.1:"
                        + secured.standalone().port(),
                url);
        try (FleetRedis fleet = FleetRedis.connect(RedisTarget.parse(url), FleetRedisOptions.DEFAULTS);
                UnifiedJedis check = secured.standalone().client()) {
            assertEquals(RedisTarget.Mode.STANDALONE, fleet.mode());
            enqueueAndReadBack(fleet, check, "coder");
            assertEquals(USER, fleet.shared().sync().aclWhoami());
        }
    }

    @Test
    void clusterFromOneNodesUrlIsDetectedOverTls() {
        try (FleetRedis fleet =
                        FleetRedis.connect(RedisTarget.parse(secured.cluster().uri()), FleetRedisOptions.DEFAULTS);
                JedisCluster check = secured.cluster().client()) {
            assertEquals(RedisTarget.Mode.CLUSTER, fleet.mode());
            for (String agent : List.of("coder", "reviewer", "planner", "x")) {
                enqueueAndReadBack(fleet, check, agent);
            }
        }
    }

    @Test
    void clusterSeedListAndBlockingReadOnADedicatedConnection() throws Exception {
        String seeds = secured.cluster().seedUri();
        assertEquals("rediss://" + USER + ":" + PASSWORD + "@", seeds.substring(0, seeds.indexOf('@') + 1));
        try (FleetRedis fleet = FleetRedis.connect(RedisTarget.parse(seeds), FleetRedisOptions.DEFAULTS);
                JedisCluster check = secured.cluster().client()) {
            assertEquals(RedisTarget.Mode.CLUSTER, fleet.mode());
            String stream = KEYS.tasks("tls-reader");
            fleet.createGroup(stream, StreamKeys.WORKERS_GROUP, "$");
            FleetConnection<String, byte[]> reader = fleet.dedicatedBytes();
            try {
                CompletableFuture<List<StreamMessage<String, byte[]>>> read =
                        CompletableFuture.supplyAsync(() -> reader.sync()
                                .xreadgroup(
                                        Consumer.from(StreamKeys.WORKERS_GROUP, "c1"),
                                        XReadArgs.Builder.count(1).block(READ_TIMEOUT),
                                        XReadArgs.StreamOffset.lastConsumed(stream)));
                // The read may not be blocking yet when the entry arrives; either way it returns it.
                check.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("msg", "over-tls"));
                List<StreamMessage<String, byte[]>> entries = read.get(READ_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
                assertEquals(1, entries.size());
                assertEquals("over-tls", new String(entries.get(0).getBody().get("msg"), StandardCharsets.UTF_8));
            } finally {
                reader.close();
            }
        }
    }

    @Test
    void sentinelOverTlsWithAclUser() {
        String url = secured.sentinel().uri();
        assertEquals("rediss-sentinel://" + USER + ":" + PASSWORD + "@", url.substring(0, url.indexOf('@') + 1));
        try (FleetRedis fleet = FleetRedis.connect(RedisTarget.parse(url), FleetRedisOptions.DEFAULTS);
                UnifiedJedis check = secured.sentinel().client()) {
            assertEquals(RedisTarget.Mode.SENTINEL, fleet.mode());
            enqueueAndReadBack(fleet, check, "coder");
            assertEquals(USER, fleet.shared().sync().aclWhoami());
        }
    }

    /**
     * The sentinels fail over a killed TLS primary (their links and the replication are TLS), the
     * same FleetRedis follows to the promoted node. The old primary stays down (bringing it back as a
     * replica takes the sentinels another ~15 s here); the other sentinel test works either way.
     */
    @Test
    void sentinelFailoverOverTls() {
        try (FleetRedis fleet =
                FleetRedis.connect(RedisTarget.parse(secured.sentinel().uri()), FleetRedisOptions.DEFAULTS)) {
            String stream = KEYS.tasks("failover");
            fleet.shared().sync().xadd(stream, Map.of("n", "before"));
            RedisSentinelSetup.Node primary = secured.sentinel().primary();
            secured.sentinel().kill(primary);
            RedisSentinelSetup.Node promoted = secured.sentinel().awaitFailover(FAILOVER_TIMEOUT);
            Await.until(
                    FAILOVER_TIMEOUT,
                    () -> {
                        try {
                            fleet.shared().sync().xadd(stream, Map.of("n", "after"));
                            return true;
                        } catch (RuntimeException e) {
                            return false;
                        }
                    },
                    "an XADD through the sentinels to reach the promoted primary " + promoted.port());
            try (UnifiedJedis check = secured.sentinel().client()) {
                assertTrue(check.xlen(stream) >= 1, "the write after the failover is on the new primary");
            }
        }
    }

    private static void enqueueAndReadBack(FleetRedis fleet, UnifiedJedis check, String agent) {
        String stream = KEYS.tasks(agent);
        long before = check.exists(stream) ? check.xlen(stream) : 0;
        List<Object> ids = fleet.runSync(
                FleetScripts.enqueue(
                        KEYS, agent, 0, 0, List.of("{\"tls\":true}".getBytes(StandardCharsets.UTF_8)), List.of()),
                ScriptOutputType.MULTI);
        assertEquals(1, ids.size());
        assertEquals(before + 1, check.xlen(stream), agent);
        assertEquals(before + 1, (long) fleet.shared().sync().xlen(stream), agent);
    }
}
