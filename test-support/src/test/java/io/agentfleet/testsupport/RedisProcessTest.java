package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.XAddParams;

class RedisProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void startsOutsideJUnitAndDeletesItsDataDirOnClose() {
        RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults());
        Path dataDir = redis.dataDir();
        long pid = redis.pid();
        try (Jedis jedis = new Jedis(java.net.URI.create(redis.uri()))) {
            assertEquals("PONG", jedis.ping());
        } finally {
            redis.close();
        }

        assertTrue(Processes.isGone(pid));
        assertFalse(Files.exists(dataDir));
    }

    @Test
    void embeddedRedisBinaryAlsoKeepsAofDataAcrossKill() {
        RedisProcess.Options options =
                RedisProcess.Options.defaults().withAof(true).withBinary(RedisBinaries.embedded());
        try (RedisProcess redis = RedisProcess.start(options)) {
            try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
                assertTrue(jedis.info("server").contains("redis_version:6.2"), "embedded-redis ships Redis 6.2");
                jedis.xadd("s", XAddParams.xAddParams(), Map.of("k", "v"));
            }

            redis.kill();
            redis.start();

            try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
                assertEquals(1, jedis.xlen("s"));
            }
        }
    }

    @Test
    void aPickedPortTakenBeforeRedisBindsItIsReplacedByAnother() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IntSupplier ports = firstThenFree(taken.getLocalPort());

            try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults(), List.of(), ports)) {
                assertNotEquals(taken.getLocalPort(), redis.port());
                assertPong(redis);
            }
        }
    }

    @Test
    void aClusterNodeWhoseBusPortIsTakenMovesToAnotherPort() throws IOException {
        try (ServerSocket takenBus = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = takenBus.getLocalPort() - FreePort.CLUSTER_BUS_OFFSET;
            IntSupplier ports = firstThenFree(port);
            Path dir = Files.createTempDirectory("agentfleet-bus-port-test-");
            Path config = RedisNodes.writeConfig(
                    dir, "redis.conf", List.of("cluster-enabled yes", "cluster-config-file nodes.conf"));
            RedisProcess.Options options = RedisProcess.Options.defaults().withDataDir(dir);

            try (RedisProcess redis = RedisProcess.start(options, List.of(config.toString()), ports)) {
                assertNotEquals(port, redis.port());
                assertPong(redis);
            } finally {
                Reaper.deleteNow(dir);
            }
        }
    }

    @Test
    void aBinaryThatIsNotRedisFailsWithItsNameAndOutput() {
        RedisProcess.Options options = RedisProcess.Options.defaults().withBinary(Path.of("/bin/false"));

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> RedisProcess.start(options));

        assertTrue(error.getMessage().contains("/bin/false"), error.getMessage());
        assertTrue(error.getMessage().contains("before answering PING"), error.getMessage());
    }

    @Test
    void optionsRejectImpossibleValues() {
        RedisProcess.Options defaults = RedisProcess.Options.defaults();

        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> defaults.withPort(70_000));
        assertThrows(IllegalArgumentException.class, () -> defaults.withStartupTimeout(Duration.ZERO));
        assertEquals("port must be in 0..65535, but was 70000", port.getMessage());
    }

    @Test
    void aRedisLeftOpenByAJvmDiesWithThatJvm() {
        try (JavaProcess owner = JavaProcess.builder(RedisOwnerMain.class).start()) {
            assertEquals(0, owner.waitFor(TIMEOUT));
            Matcher started = Pattern.compile("redis pid=(\\d+) dir=(\\S+)").matcher(owner.logText());
            assertTrue(started.find(), owner.logText());
            long pid = Long.parseLong(started.group(1));
            Path dataDir = Path.of(started.group(2));

            Await.until(TIMEOUT, () -> Processes.isGone(pid), "redis-server pid " + pid + " to be reaped");
            Await.until(TIMEOUT, () -> !Files.exists(dataDir), "data dir " + dataDir + " to be deleted");
        }
    }

    /** {@code port} first, then free ports: the race in which another process binds a picked port first. */
    private static IntSupplier firstThenFree(int port) {
        Deque<Integer> first = new ArrayDeque<>(List.of(port));
        return () -> first.isEmpty() ? FreePort.pick() : first.pop();
    }

    private static void assertPong(RedisProcess redis) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            assertEquals("PONG", jedis.ping());
        }
    }
}
