package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.client.FleetClient;
import io.agentfleet.client.SubmitOptions;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.retry.PromoterLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Tasks submitted with a delay or a start time: they wait in the delayed set and are promoted to the task stream when
 * due, exactly once, by whichever promoting process gets there first. One worker process serves the delayed task;
 * the mass promotion runs in three separate promoter processes, one of them killed with SIGKILL mid-way.
 */
class ScheduledTasksTest {
    private static final StreamKeys KEYS = TestFleet.KEYS;
    /**
     * Slack for comparing the worker's recorded start (its clock: result time less handler latency, which a pause
     * after the handler makes earlier, never later) with the due time (Redis's clock, same machine). An early start
     * of a task delayed by 2 s would be about 2 s early.
     */
    private static final long SLACK_MS = 250;

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static FleetClient client;

    @BeforeAll
    static void start() {
        redis.flushAll();
        worker = TestFleet.startWorker(
                TestFleet.worker(redis.uri(), "later", "FLEET_AGENTS_LATER_HANDLER", "echo"), "later");
        client = FleetClient.connect(redis.uri());
    }

    @AfterAll
    static void stop() {
        client.close();
        worker.close();
    }

    @Test
    void delayedTaskStartsNotBeforeItsDueTimeAndOnlyOnce() {
        UnifiedJedis jedis = redis.client();
        TaskHandle handle = client.submit(
                AgentMessage.request("later", TestFleet.content("{\"input\":\"wake\"}"))
                        .build(),
                SubmitOptions.delay(Duration.ofSeconds(2)));
        TaskHandle cancelled = client.submit(
                AgentMessage.request("later", TestFleet.content("{\"input\":\"never\"}"))
                        .build(),
                SubmitOptions.delay(Duration.ofSeconds(2)));
        assertNull(handle.entryId(), "a scheduled task is not on the stream yet");
        assertNotNull(handle.dueAt());
        assertEquals(2, jedis.hlen(KEYS.scheduled("later", 0)));
        assertTrue(client.cancelScheduled(cancelled), "cancelled before it was due");
        assertFalse(client.cancelScheduled(cancelled), "a second cancel finds nothing");

        Await.until(
                Duration.ofSeconds(30),
                () -> TestFleet.outcome(jedis, "later", handle.taskId()) != null,
                "the delayed task completed");
        AgentMessage outcome = TestFleet.outcome(jedis, "later", handle.taskId());
        long latency = outcome.metadata() == null || outcome.metadata().latencyMs() == null
                ? 0
                : outcome.metadata().latencyMs();
        long startedAt = outcome.createdAt() - latency;
        assertTrue(
                startedAt >= handle.dueAt().toEpochMilli() - SLACK_MS,
                "started at " + Instant.ofEpochMilli(startedAt) + ", before its due time " + handle.dueAt());
        assertEquals(1, outcome.attempt(), "ran on its first delivery");
        assertEquals(Map.of(handle.taskId(), 1), TestFleet.resultCountByTask(jedis, "later"), "one result, once");
        assertFalse(client.cancelScheduled(handle), "a promoted task cannot be cancelled");
        assertNull(TestFleet.outcome(jedis, "later", cancelled.taskId()), "the cancelled task never ran");
        assertEquals(0, jedis.zcard(KEYS.delayed("later", 0)));
        assertEquals(0, jedis.hlen(KEYS.scheduled("later", 0)));
    }

    @Test
    void scheduledTasksCountAgainstTheBacklogBound() {
        UnifiedJedis jedis = redis.client();
        String agent = "bounded";
        jedis.hset(KEYS.config(agent), StreamKeys.MAX_BACKLOG_FIELD, "2");
        client.submit(AgentMessage.request(agent, TestFleet.content("{}")).build());
        client.submit(
                AgentMessage.request(agent, TestFleet.content("{}")).build(), SubmitOptions.delay(Duration.ofHours(1)));
        BackpressureException refused = assertThrows(
                BackpressureException.class,
                () -> client.submit(
                        AgentMessage.request(agent, TestFleet.content("{}")).build(),
                        SubmitOptions.delay(Duration.ofHours(1))));
        assertEquals(2, refused.backlog(), "one on the stream and one scheduled");
        assertEquals(1, jedis.hlen(KEYS.scheduled(agent, 0)), "the refused task was not scheduled");
    }

    @Test
    void thousandTasksDueAtOnceAreEnqueuedExactlyOnceByThreePromotersOneKilled() {
        UnifiedJedis jedis = redis.client();
        String agent = "massdue";
        List<JavaProcess> promoters = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                // 5 entries per call, 80 ms apart: under 200 a second together, so the kill lands mid-way even when
                // this thread is held up for seconds on a busy machine.
                promoters.add(JavaProcess.builder(PromoterLoop.class)
                        .jvmArg("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m")
                        .arg(redis.uri(), agent, "5", "80")
                        .start());
            }
            for (JavaProcess p : promoters) {
                p.awaitLog("promoting", TestFleet.STARTUP);
            }
            List<AgentMessage> tasks = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                tasks.add(AgentMessage.request(agent, TestFleet.content("{\"input\":" + i + "}"))
                        .build());
            }
            List<TaskHandle> handles = client.submitAll(tasks, SubmitOptions.delay(Duration.ofMillis(500)));
            long due = handles.getFirst().dueAt().toEpochMilli();
            assertTrue(handles.stream().allMatch(h -> h.dueAt().toEpochMilli() == due), "one due instant for all");
            assertEquals(1_000, jedis.zcard(KEYS.delayed(agent, 0)));

            JavaProcess victim = promoters.getFirst();
            Await.until(Duration.ofSeconds(30), () -> victim.logText().contains("promoted "), "the victim promoted");
            victim.kill9();
            long leftAtKill = jedis.zcard(KEYS.delayed(agent, 0));
            assertTrue(leftAtKill > 0, "the victim was killed mid-way, with " + leftAtKill + " entries left");

            Await.until(
                    Duration.ofSeconds(30),
                    () -> jedis.zcard(KEYS.delayed(agent, 0)) == 0,
                    "the survivors promoted the rest");
            List<StreamEntry> entries = jedis.xrange(KEYS.tasks(agent), (StreamEntryID) null, (StreamEntryID) null);
            Map<String, Integer> perTask = new HashMap<>();
            for (StreamEntry e : entries) {
                AgentMessage m = TestFleet.CODEC.decode(e.getFields().get(StreamKeys.MESSAGE_FIELD));
                perTask.merge(m.taskId(), 1, Integer::sum);
                assertTrue(e.getID().getTime() >= due, "entry " + e.getID() + " enqueued before its due time " + due);
            }
            assertEquals(1_000, entries.size(), "every task enqueued, none twice");
            for (TaskHandle h : handles) {
                assertEquals(1, perTask.getOrDefault(h.taskId(), 0), "task " + h.taskId() + " enqueued once");
            }
            assertEquals(0, jedis.hlen(KEYS.scheduled(agent, 0)), "the index forgets promoted tasks");
        } finally {
            promoters.forEach(JavaProcess::close);
        }
    }
}
