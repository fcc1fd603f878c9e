package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fixture's Redis lives exactly as long as the class that registers it. */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class RedisLifecycleTest {

    private static long pid;
    private static Path dataDir;

    @Nested
    @Order(1)
    class WhileTheClassRuns {

        @RegisterExtension
        static final RedisExtension redis = RedisExtension.owned();

        @Test
        void redisIsRunning() {
            RedisProcess process = (RedisProcess) redis.backend();
            pid = process.pid();
            dataDir = process.dataDir();
            assertTrue(redis.isRunning());
            assertTrue(Files.isDirectory(dataDir));
        }
    }

    @Nested
    @Order(2)
    class AfterTheClassFinished {

        @Test
        void redisIsStoppedAndItsDataDirDeleted() {
            assertTrue(pid > 0, "the first nested class ran");
            Await.until(Duration.ofSeconds(30), () -> Processes.isGone(pid), "redis-server pid " + pid + " to exit");
            assertFalse(Files.exists(dataDir));
        }
    }

    @Test
    void shutdownStopsALazilyStartedRedis() {
        RedisExtension redis = RedisExtension.owned();
        String uri = redis.uri();
        RedisProcess process = (RedisProcess) redis.backend();

        redis.shutdown();

        assertTrue(uri.startsWith("redis://127.0.0.1:"), uri);
        assertFalse(process.isRunning());
        assertFalse(Files.exists(process.dataDir()));
    }
}
