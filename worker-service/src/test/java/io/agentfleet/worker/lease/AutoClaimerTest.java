package io.agentfleet.worker.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.testsupport.RedisProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/** XAUTOCLAIM parsing on both reply shapes: Redis 6.2 (nil for a deleted entry) and Redis 7 (deleted ids listed). */
class AutoClaimerTest {
    private static final String STREAM = "fleet:{t}:tasks";

    @Test
    void trimmedEntryIsReportedOnRedis7() throws Exception {
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            claimsBodiesAndReportsTheTrimmedEntry(redis);
        }
    }

    @Test
    void trimmedEntryIsReportedOnRedis62() throws Exception {
        try (RedisProcess redis =
                RedisProcess.start(RedisProcess.Options.defaults().withBinary(embeddedRedis62()))) {
            claimsBodiesAndReportsTheTrimmedEntry(redis);
        }
    }

    private static void claimsBodiesAndReportsTheTrimmedEntry(RedisProcess redis) throws Exception {
        String kept;
        String deleted;
        try (Jedis jedis = new Jedis(java.net.URI.create(redis.uri()))) {
            jedis.xgroupCreate(STREAM, "workers", new StreamEntryID(0, 0), true);
            kept = jedis.xadd(STREAM, StreamEntryID.NEW_ENTRY, Map.of("msg", "{\"a\":1}"))
                    .toString();
            deleted = jedis.xadd(STREAM, StreamEntryID.NEW_ENTRY, Map.of("msg", "{\"a\":2}"))
                    .toString();
            jedis.xreadGroup(
                    "workers",
                    "dead-worker",
                    XReadGroupParams.xReadGroupParams().count(10),
                    Map.of(STREAM, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            jedis.xdel(STREAM, new StreamEntryID(deleted));
        }
        try (FleetRedis connections = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS)) {
            AutoClaimer claimer = new AutoClaimer(STREAM, "me", connections);
            Thread.sleep(20);
            AutoClaimer.Result result = claimer.claim(Duration.ofMillis(10), "0-0", 10, Set.of());
            assertEquals("0-0", result.nextCursor());
            List<Claimed> claimed = result.claimed();
            assertEquals(2, claimed.size(), claimed.toString());
            Claimed body =
                    claimed.stream().filter(c -> !c.trimmed()).findFirst().orElseThrow();
            assertEquals(kept, body.entryId());
            assertEquals("{\"a\":1}", body.message());
            assertEquals(2, body.deliveryCount());
            Claimed gone = claimed.stream().filter(Claimed::trimmed).findFirst().orElseThrow();
            assertEquals(deleted, gone.entryId());
            assertNull(gone.message());
            assertFalse(claimed.stream().anyMatch(c -> c.entryId().equals("0-0")));
            assertTrue(new LeaseRenewer(STREAM, "me", connections).renew(List.of(kept)) >= 1);
        }
    }

    private static Path embeddedRedis62() throws Exception {
        String resource = "redis-server-6.2.6-v5-linux-amd64";
        Path binary = Files.createTempDirectory("redis62-").resolve(resource);
        try (InputStream in = AutoClaimerTest.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
        }
        binary.toFile().setExecutable(true);
        binary.getParent().toFile().deleteOnExit();
        binary.toFile().deleteOnExit();
        return binary;
    }
}
