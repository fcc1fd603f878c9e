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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamPendingEntry;

/** Worker processes that crash, share a group, or run long tasks. */
class CrashRecoveryTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void twoWorkersOnOneGroupTakeDistinctTasksAndCompleteAll() {
        try (UnifiedJedis jedis = redis.client();
                JavaProcess a = TestFleet.startWorker(
                        TestFleet.worker(
                                redis.uri(),
                                "work",
                                "FLEET_AGENTS_WORK_HANDLER",
                                "sleep",
                                "FLEET_AGENTS_WORK_MAX_IN_FLIGHT",
                                "8"),
                        "work");
                JavaProcess b = TestFleet.startWorker(
                        TestFleet.worker(
                                redis.uri(),
                                "work",
                                "FLEET_AGENTS_WORK_HANDLER",
                                "sleep",
                                "FLEET_AGENTS_WORK_MAX_IN_FLIGHT",
                                "8"),
                        "work")) {
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                tasks.add(TestFleet.task("work", "{\"ms\":20}"));
            }
            TestFleet.enqueue(jedis, "work", tasks);
            Await.until(Duration.ofSeconds(60), () -> TestFleet.doneCount(jedis, "work") == 200, "200 tasks done");
            Map<String, Integer> counts = TestFleet.resultCountByTask(jedis, "work");
            assertEquals(200, counts.size());
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "a task recorded twice: " + counts);
            // Both consumers took part (each holds at most 8 at a time, so neither can take all 200 alone quickly).
            List<String> workers = jedis.xinfoConsumers(KEYS.tasks("work"), "workers").stream()
                    .map(c -> c.getName())
                    .toList();
            assertEquals(2, workers.size(), workers.toString());
            Await.until(Duration.ofSeconds(10), () -> jedis.xlen(KEYS.tasks("work")) == 0, "empty task stream");
        }
    }

    @Test
    void idleWorkerTakesOverTheEntriesOfAConsumerThatDied() {
        try (UnifiedJedis jedis = redis.client()) {
            AgentMessage orphan = TestFleet.task("orphan", "{\"text\":\"left behind\"}");
            jedis.xgroupCreate(KEYS.tasks("orphan"), "workers", new StreamEntryID(0, 0), true);
            TestFleet.enqueue(jedis, orphan);
            // A consumer reads the entry and dies without acknowledging it; no new work arrives afterwards, so the
            // survivor's consumer loop sits in a blocked read while its reclaimer must still take the entry over.
            jedis.xreadGroup(
                    "workers",
                    "ghost",
                    XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(KEYS.tasks("orphan"), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            try (JavaProcess survivor = TestFleet.startWorker(
                    TestFleet.worker(
                            redis.uri(),
                            "orphan",
                            "FLEET_AGENTS_ORPHAN_HANDLER",
                            "echo",
                            "FLEET_AGENTS_ORPHAN_CLAIM_AFTER",
                            "2s"),
                    "orphan")) {
                Await.until(
                        Duration.ofSeconds(60),
                        () -> TestFleet.doneCount(jedis, "orphan") == 1,
                        "orphaned task completed");
                assertEquals(
                        "left behind",
                        TestFleet.outcome(jedis, "orphan", orphan.taskId())
                                .content()
                                .get("text")
                                .asText());
            }
        }
    }

    @Test
    void killedWorkerLosesNoTaskAndEveryTaskIsRecordedOnce() {
        int n = 1000;
        try (UnifiedJedis jedis = redis.client()) {
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tasks.add(TestFleet.task("crash", "{\"ms\":30}"));
            }
            TestFleet.enqueue(jedis, "crash", tasks);
            JavaProcess victim = TestFleet.startWorker(
                    TestFleet.worker(
                            redis.uri(),
                            "crash",
                            "FLEET_AGENTS_CRASH_HANDLER",
                            "sleep",
                            "FLEET_AGENTS_CRASH_MAX_IN_FLIGHT",
                            "100"),
                    "crash");
            try (victim) {
                Await.until(
                        Duration.ofSeconds(60),
                        () -> TestFleet.doneCount(jedis, "crash") >= 100,
                        "the victim to make progress");
                victim.kill9();
            }
            long pendingOfVictim =
                    jedis.xpending(KEYS.tasks("crash"), "workers").getTotal();
            assertTrue(pendingOfVictim > 0, "the victim died with tasks in flight");
            try (JavaProcess survivor = TestFleet.startWorker(
                    TestFleet.worker(
                            redis.uri(),
                            "crash",
                            "FLEET_AGENTS_CRASH_HANDLER",
                            "sleep",
                            "FLEET_AGENTS_CRASH_MAX_IN_FLIGHT",
                            "200"),
                    "crash")) {
                Await.until(Duration.ofSeconds(90), () -> TestFleet.doneCount(jedis, "crash") == n, n + " done keys");
                Map<String, Integer> counts = TestFleet.resultCountByTask(jedis, "crash");
                assertEquals(n, counts.size());
                assertTrue(counts.values().stream().allMatch(c -> c == 1), "a task recorded twice");
                assertTrue(tasks.stream().allMatch(t -> counts.containsKey(t.taskId())));
                assertTrue(TestFleet.deadLetters(jedis, "crash").isEmpty());
                Await.until(
                        Duration.ofSeconds(10),
                        () -> jedis.xlen(KEYS.tasks("crash")) == 0
                                && jedis.xpending(KEYS.tasks("crash"), "workers")
                                                .getTotal()
                                        == 0,
                        "nothing left pending");
            }
        }
    }

    @Test
    void longTaskIsNotReclaimedWhileItsWorkerLives() {
        String[] env = {
            "FLEET_AGENTS_LONG_HANDLER",
            "sleep",
            "FLEET_AGENTS_LONG_CLAIM_AFTER",
            "1s",
            "FLEET_AGENTS_LONG_LEASE",
            "900ms"
        };
        try (UnifiedJedis jedis = redis.client();
                JavaProcess first = TestFleet.startWorker(TestFleet.worker(redis.uri(), "long", env), "long")) {
            AgentMessage task = TestFleet.task("long", "{\"ms\":4000}");
            TestFleet.enqueue(jedis, task);
            Await.until(
                    Duration.ofSeconds(30),
                    () -> jedis.xpending(KEYS.tasks("long"), "workers").getTotal() == 1,
                    "the task in flight");
            try (JavaProcess second = TestFleet.startWorker(TestFleet.worker(redis.uri(), "long", env), "long")) {
                Await.until(
                        Duration.ofSeconds(30),
                        () -> TestFleet.outcome(jedis, "long", task.taskId()) != null,
                        "the long task's result");
                assertEquals(1, TestFleet.outcome(jedis, "long", task.taskId()).attempt());
                assertEquals(1, TestFleet.results(jedis, "long").size());
                assertTrue(!first.logText().contains("dead-lettered")
                        && !second.logText().contains("dead-lettered"));
            }
        }
    }

    @Test
    void leaseRenewalKeepsDeliveryCountAtOne() {
        String[] env = {
            "FLEET_AGENTS_LEASED_HANDLER",
            "sleep",
            "FLEET_AGENTS_LEASED_CLAIM_AFTER",
            "1s",
            "FLEET_AGENTS_LEASED_LEASE",
            "900ms"
        };
        try (UnifiedJedis jedis = redis.client();
                JavaProcess first = TestFleet.startWorker(TestFleet.worker(redis.uri(), "leased", env), "leased");
                JavaProcess second = TestFleet.startWorker(TestFleet.worker(redis.uri(), "leased", env), "leased")) {
            AgentMessage task = TestFleet.task("leased", "{\"ms\":3500}");
            TestFleet.enqueue(jedis, task);
            Await.until(
                    Duration.ofSeconds(30),
                    () -> jedis.xpending(KEYS.tasks("leased"), "workers").getTotal() == 1,
                    "in flight");
            long deadline = System.nanoTime() + Duration.ofMillis(2500).toNanos();
            while (System.nanoTime() < deadline) {
                List<StreamPendingEntry> pending = jedis.xpending(
                        KEYS.tasks("leased"),
                        "workers",
                        XPendingParams.xPendingParams().count(10));
                if (pending.isEmpty()) {
                    break;
                }
                assertEquals(1, pending.get(0).getDeliveredTimes(), "the running task was delivered again");
                assertTrue(
                        pending.get(0).getIdleTime() < 1000,
                        "idle " + pending.get(0).getIdleTime() + " ms: lease not renewed");
                sleep(200);
            }
            Await.until(
                    Duration.ofSeconds(30),
                    () -> TestFleet.outcome(jedis, "leased", task.taskId()) != null,
                    "the result");
            assertEquals(1, TestFleet.results(jedis, "leased").size());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
