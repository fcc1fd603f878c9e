package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Task priorities against one real worker process (three agent types, one per case): HIGH work jumps a LOW backlog,
 * LOW keeps its stated share (1 slot in 10) under a HIGH backlog, and a dead consumer's HIGH entries are reclaimed.
 */
class PriorityTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create().flushBeforeEach(false);

    private static JavaProcess worker;

    @BeforeAll
    static void startWorker() {
        leaveHighEntriesWithADeadConsumer();
        worker = TestFleet.startWorker(
                TestFleet.worker(
                        redis.uri(),
                        "jump,share,orphan",
                        "FLEET_AGENTS_JUMP_HANDLER",
                        "sleep",
                        "FLEET_AGENTS_JUMP_MAX_IN_FLIGHT",
                        "1",
                        "FLEET_AGENTS_SHARE_HANDLER",
                        "sleep",
                        "FLEET_AGENTS_SHARE_MAX_IN_FLIGHT",
                        "2",
                        "FLEET_AGENTS_ORPHAN_HANDLER",
                        "echo",
                        "FLEET_AGENTS_ORPHAN_CLAIM_AFTER",
                        "2s"),
                "jump",
                "share",
                "orphan");
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void highTaskSubmittedAfterALowBacklogStartsBeforeTheBacklogDrains() {
        try (UnifiedJedis jedis = redis.client()) {
            List<AgentMessage> backlog = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                backlog.add(task("jump", Priority.LOW, 50));
            }
            TestFleet.enqueue(jedis, "jump", Priority.LOW, backlog);
            Await.until(Duration.ofSeconds(30), () -> TestFleet.doneCount(jedis, "jump") >= 2, "the backlog started");
            AgentMessage urgent = task("jump", Priority.HIGH, 0);
            TestFleet.enqueue(jedis, "jump", Priority.HIGH, List.of(urgent));

            Await.until(Duration.ofSeconds(30), () -> TestFleet.doneCount(jedis, "jump") == 41, "every task done");
            List<String> order = completionOrder(jedis, "jump");
            int urgentAt = order.indexOf(urgent.taskId());
            // One slot: the HIGH task waits at most for the LOW task running and one LOW turn of the round.
            assertTrue(
                    order.size() - 1 - urgentAt >= 20,
                    "HIGH finished as number " + (urgentAt + 1) + " of " + order.size()
                            + ", after most of the backlog");
            assertEquals(
                    0,
                    jedis.xlen(KEYS.tasks("jump", 0, Priority.LOW)) + jedis.xlen(KEYS.tasks("jump", 0, Priority.HIGH)));
        }
    }

    @Test
    void steadyHighWorkLeavesLowItsTenthOfTheSlots() {
        try (UnifiedJedis jedis = redis.client()) {
            List<AgentMessage> high = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                high.add(task("share", Priority.HIGH, 10));
            }
            List<AgentMessage> low = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                low.add(task("share", Priority.LOW, 10));
            }
            TestFleet.enqueue(jedis, "share", Priority.HIGH, high);
            TestFleet.enqueue(jedis, "share", Priority.LOW, low);
            long start = TestFleet.doneCount(jedis, "share");

            Await.until(Duration.ofSeconds(60), () -> TestFleet.doneCount(jedis, "share") == 240, "every task done");
            // The 100 completions after both backlogs were in place all happen with HIGH and LOW work waiting (200
            // HIGH, 40 LOW): the round gives LOW 1 slot in 10, give or take two slots finishing out of order.
            Set<String> lowIds = new HashSet<>();
            low.forEach(t -> lowIds.add(t.taskId()));
            List<String> window = completionOrder(jedis, "share").subList((int) start, (int) start + 100);
            long lowDone = window.stream().filter(lowIds::contains).count();
            assertTrue(start < 60, "the worker took " + start + " tasks before both backlogs were in place");
            assertTrue(lowDone >= 7 && lowDone <= 14, "LOW completions among 100 with both backlogs: " + lowDone);
        }
    }

    @Test
    void deadConsumersHighEntriesAreReclaimedAndRecordedOnce() {
        try (UnifiedJedis jedis = redis.client()) {
            String high = KEYS.tasks("orphan", 0, Priority.HIGH);
            Await.until(Duration.ofSeconds(60), () -> TestFleet.doneCount(jedis, "orphan") == 5, "orphans done");
            Map<String, Integer> counts = TestFleet.resultCountByTask(jedis, "orphan");
            assertEquals(5, counts.size());
            assertTrue(counts.values().stream().allMatch(c -> c == 1), "a task recorded twice: " + counts);
            Await.until(Duration.ofSeconds(10), () -> jedis.xlen(high) == 0, "HIGH entries acknowledged and deleted");
        }
    }

    /**
     * Before the worker starts: five HIGH tasks taken by a consumer that then dies (it never acknowledges), so the
     * worker's reclaimer must take them over from the HIGH stream once they are idle past claim-after.
     */
    private static void leaveHighEntriesWithADeadConsumer() {
        try (UnifiedJedis jedis = redis.client()) {
            String high = KEYS.tasks("orphan", 0, Priority.HIGH);
            jedis.xgroupCreate(high, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(task("orphan", Priority.HIGH, 0));
            }
            TestFleet.enqueue(jedis, "orphan", Priority.HIGH, tasks);
            jedis.xreadGroup(
                    StreamKeys.WORKERS_GROUP,
                    "ghost",
                    XReadGroupParams.xReadGroupParams().count(5),
                    Map.of(high, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            assertEquals(5, jedis.xpending(high, StreamKeys.WORKERS_GROUP).getTotal());
        }
    }

    private static AgentMessage task(String agent, Priority priority, int ms) {
        return AgentMessage.request(agent, TestFleet.content("{\"ms\":" + ms + "}"))
                .priority(priority)
                .build();
    }

    /** Task ids in the order their outcomes were recorded. */
    private static List<String> completionOrder(UnifiedJedis jedis, String agent) {
        return TestFleet.results(jedis, agent).stream()
                .map(StreamEntry::getFields)
                .map(fields -> fields.get("taskId"))
                .toList();
    }
}
