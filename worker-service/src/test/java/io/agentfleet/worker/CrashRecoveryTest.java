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
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
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
                // Long enough that the victim (100 in flight) needs ~2 s for all of them: a busy machine that notices
                // the first 100 late still kills it with tasks in flight.
                tasks.add(TestFleet.task("crash", "{\"ms\":200}"));
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

    /**
     * The lease test renews every {@value #LEASE_MS} / 3 ms and lets others reclaim after {@value #CLAIM_AFTER_MS} ms,
     * so only a renewer that stalls for more than ~4.6 s (far beyond a GC pause or a busy 2-core machine) lets an entry
     * of a live worker be reclaimed. Its task outlasts claim-after plus one reclaim period (claim-after / 2) of the
     * other worker, so a worker that did not renew would lose it.
     */
    private static final long LEASE_MS = 1_000;

    /**
     * The lease test waits ~10 s for a timing the topology does not change (renewals and reclaims of one entry, one
     * slot), so the Redis Cluster pass of this class leaves it out (worker-service's pom).
     */
    static final String SINGLE_PASS = "single-pass";

    private static final long CLAIM_AFTER_MS = 5_000;
    private static final long LEASED_TASK_MS = CLAIM_AFTER_MS + CLAIM_AFTER_MS / 2 + 2_500;

    /**
     * One long task on one of two leased workers: its lease is seen renewed (idle time reset, delivery count still 1),
     * the other worker never takes it over, and it completes once, on its first attempt.
     */
    @Test
    @Tag(SINGLE_PASS)
    void longTaskIsNotReclaimedWhileItsWorkerLivesAndItsLeaseRenewalKeepsDeliveryCountAtOne() {
        try (UnifiedJedis jedis = redis.client();
                JavaProcess first = TestFleet.startWorker(leasedWorker("leased"), "leased");
                JavaProcess second = TestFleet.startWorker(leasedWorker("leased"), "leased")) {
            awaitConsumers(jedis, "leased", 2);
            AgentMessage task = TestFleet.task("leased", "{\"ms\":" + LEASED_TASK_MS + "}");
            TestFleet.enqueue(jedis, task);
            Await.until(Duration.ofSeconds(30), () -> pendingEntry(jedis, "leased") != null, "in flight");
            // The entry was delivered before this instant, so without a renewal its idle time is at least the time
            // since; an idle time clearly below that proves a renewal (which, unlike a redelivery, keeps the count).
            long inFlightSince = System.nanoTime();
            Await.until(
                    Duration.ofSeconds(60),
                    () -> {
                        StreamPendingEntry entry = pendingEntry(jedis, "leased");
                        assertTrue(entry != null, "the task finished before its lease was seen renewed");
                        assertEquals(1, entry.getDeliveredTimes(), "the running task was delivered again");
                        long sinceMs = Duration.ofNanos(System.nanoTime() - inFlightSince)
                                .toMillis();
                        return entry.getIdleTime() + 500 < sinceMs;
                    },
                    "the lease to be renewed");
            awaitResultDeliveredOnce(jedis, "leased", task);
            assertEquals(1, TestFleet.outcome(jedis, "leased", task.taskId()).attempt());
            assertEquals(1, TestFleet.results(jedis, "leased").size());
            assertTrue(!first.logText().contains("dead-lettered")
                    && !second.logText().contains("dead-lettered"));
        }
    }

    /** Waits for the task's result, failing as soon as its entry shows a second delivery (another worker took it). */
    private static void awaitResultDeliveredOnce(UnifiedJedis jedis, String agent, AgentMessage task) {
        Await.until(
                Duration.ofSeconds(60),
                () -> {
                    StreamPendingEntry entry = pendingEntry(jedis, agent);
                    assertTrue(entry == null || entry.getDeliveredTimes() == 1, "the running task was delivered again");
                    return TestFleet.outcome(jedis, agent, task.taskId()) != null;
                },
                "the result of " + task.taskId());
    }

    private static JavaProcess.Builder leasedWorker(String agent) {
        String prefix = "FLEET_AGENTS_" + agent.toUpperCase(Locale.ROOT) + "_";
        return TestFleet.worker(
                redis.uri(),
                agent,
                prefix + "HANDLER",
                "sleep",
                prefix + "CLAIM_AFTER",
                CLAIM_AFTER_MS + "ms",
                prefix + "LEASE",
                LEASE_MS + "ms");
    }

    /** Waits until {@code n} workers read the agent's stream, so each one's reclaimer is running too. */
    private static void awaitConsumers(UnifiedJedis jedis, String agent, int n) {
        Await.until(
                TestFleet.STARTUP,
                () -> jedis.xinfoConsumers(KEYS.tasks(agent), "workers").size() >= n,
                n + " consumers in the group of " + agent);
    }

    private static StreamPendingEntry pendingEntry(UnifiedJedis jedis, String agent) {
        List<StreamPendingEntry> pending = jedis.xpending(
                KEYS.tasks(agent), "workers", XPendingParams.xPendingParams().count(10));
        return pending.isEmpty() ? null : pending.get(0);
    }
}
