package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Redis (AOF, fsync always) killed with -9 and restarted under a running worker and a running producer. */
class RedisRestartTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.withAof();

    @Test
    void workerReconnectsAfterRedisRestartAndNoAcknowledgedTaskIsLost() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        try (JavaProcess worker = TestFleet.startWorker(
                TestFleet.worker(redis.uri(), "durable", "FLEET_AGENTS_DURABLE_HANDLER", "sleep"), "durable")) {
            Thread producer = Thread.ofPlatform().start(() -> {
                while (producing.get()) {
                    AgentMessage task = TestFleet.task("durable", "{\"ms\":5}");
                    try (Jedis jedis = redis.jedis(Duration.ofSeconds(1))) {
                        while (producing.get()) {
                            TestFleet.enqueue(jedis, task);
                            acknowledged.add(task.taskId());
                            task = TestFleet.task("durable", "{\"ms\":5}");
                            Thread.sleep(5);
                        }
                    } catch (RuntimeException e) {
                        // Redis is down: the enqueue was not acknowledged; try again after a moment.
                        sleepQuietly(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Await.until(Duration.ofSeconds(30), () -> acknowledged.size() >= 100, "some tasks enqueued");
            redis.kill();
            sleepQuietly(500);
            redis.start();
            int atRestart = acknowledged.size();
            Await.until(
                    Duration.ofSeconds(30), () -> acknowledged.size() >= atRestart + 100, "enqueues after the restart");
            producing.set(false);
            producer.join(10_000);
            try (Jedis jedis = redis.jedis()) {
                Await.until(
                        Duration.ofSeconds(60),
                        () -> acknowledged.stream().allMatch(id -> jedis.exists(TestFleet.KEYS.done("durable", id))),
                        "every acknowledged task done");
                Map<String, Integer> counts = TestFleet.resultCountByTask(jedis, "durable");
                assertTrue(counts.keySet().containsAll(acknowledged));
                assertTrue(counts.values().stream().allMatch(c -> c == 1));
                assertEquals(List.of(), TestFleet.deadLetters(jedis, "durable"));
            }
            assertTrue(worker.isAlive());
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
