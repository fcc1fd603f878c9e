package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** SIGTERM: finish in-flight work within the grace period, take nothing new, exit 0, leave the group only when idle. */
class GracefulShutdownTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void sigtermFinishesInFlightTasksTakesNoNewOnesAndLeavesTheGroup() {
        try (UnifiedJedis jedis = redis.client()) {
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                tasks.add(TestFleet.task("drain", "{\"ms\":1500}"));
            }
            TestFleet.enqueue(jedis, "drain", tasks);
            JavaProcess worker = TestFleet.startWorker(
                    TestFleet.worker(
                            redis.uri(),
                            "drain",
                            "FLEET_AGENTS_DRAIN_HANDLER",
                            "sleep",
                            "FLEET_AGENTS_DRAIN_MAX_IN_FLIGHT",
                            "4",
                            "FLEET_SHUTDOWN_GRACE",
                            "20s"),
                    "drain");
            try (worker) {
                Await.until(
                        Duration.ofSeconds(30),
                        () -> jedis.xpending(KEYS.tasks("drain"), "workers").getTotal() == 4,
                        "4 tasks in flight");
                long doneBefore = TestFleet.doneCount(jedis, "drain");
                worker.sigterm();
                assertEquals(0, worker.waitFor(Duration.ofSeconds(30)), worker.logText());
                long done = TestFleet.doneCount(jedis, "drain");
                assertTrue(
                        done >= doneBefore + 4 && done <= doneBefore + 8,
                        "in-flight tasks finished: " + doneBefore + " -> " + done);
                assertEquals(0, jedis.xpending(KEYS.tasks("drain"), "workers").getTotal());
                assertEquals(12 - done, jedis.xlen(KEYS.tasks("drain")), "untouched tasks stay in the stream");
                assertTrue(
                        jedis.xinfoConsumers(KEYS.tasks("drain"), "workers").isEmpty(),
                        "consumer removed from the group");
                assertTrue(worker.logText().contains("removed from group"));
            }
        }
    }

    @Test
    void tasksUnfinishedAfterTheGraceStayPendingAndTheConsumerStays() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage task = TestFleet.task("stuck", "{\"ms\":30000}");
            TestFleet.enqueue(jedis, task);
            JavaProcess worker = TestFleet.startWorker(
                    TestFleet.worker(
                            redis.uri(),
                            "stuck",
                            "FLEET_AGENTS_STUCK_HANDLER",
                            "sleep",
                            "FLEET_SHUTDOWN_GRACE",
                            "500ms"),
                    "stuck");
            try (worker) {
                Await.until(
                        Duration.ofSeconds(30),
                        () -> jedis.xpending(KEYS.tasks("stuck"), "workers").getTotal() == 1,
                        "in flight");
                worker.sigterm();
                assertEquals(0, worker.waitFor(Duration.ofSeconds(30)), worker.logText());
                assertEquals(1, jedis.xpending(KEYS.tasks("stuck"), "workers").getTotal(), "left pending for others");
                assertEquals(
                        1,
                        jedis.xinfoConsumers(KEYS.tasks("stuck"), "workers").size(),
                        "consumer kept while it has pending entries");
                assertEquals(0, TestFleet.doneCount(jedis, "stuck"));
            }
        }
    }

    @Test
    void aSigtermSentOnTheStartupLineIsHandledAndExitsZero() {
        try (JavaProcess worker = TestFleet.worker(redis.uri(), "echo").start()) {
            worker.awaitLog("Startup completed", TestFleet.STARTUP);
            worker.sigterm();

            assertEquals(0, worker.waitFor(Duration.ofSeconds(30)), worker.logText());
            assertTrue(worker.logText().contains("received SIGTERM"), worker.logText());
        }
    }
}
